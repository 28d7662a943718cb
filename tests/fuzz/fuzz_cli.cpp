// libFuzzer target: the CLI's argument parsing and dispatch. The input is split on '\n' into
// argv. Commands that write files or run long computations (generate, forward, verify, fit) and
// absolute or parent paths are skipped: the target exercises parsing, not the filesystem.
#include "app.hpp"

#include "llamascope/format.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

// Relative paths resolve in a small scratch folder of its own, not in the build tree the
// fuzzer was started from: `validate .` would otherwise list the whole build (100,000 entries
// under ASan, several times per input) and time out on the machine, not on the program.
namespace {
std::filesystem::path scratch;
void removeScratch()
{
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    std::error_code ec;
    scratch =
        std::filesystem::temp_directory_path(ec) / ("llamascope-fuzz-cli-" + std::to_string(::getpid()));
    std::atexit(removeScratch);
    std::filesystem::create_directories(scratch / "models" / "tiny", ec);
    std::ofstream(scratch / "models" / "tiny" / "config.json")
        << R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 172, "num_hidden_layers": 2,)"
           R"( "num_attention_heads": 4, "num_key_value_heads": 4, "vocab_size": 256})";
    std::ofstream(scratch / "c.json")
        << R"({"model_type": "llama", "hidden_size": 128, "num_hidden_layers": 2})";
    std::filesystem::current_path(scratch, ec);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 4096)
        return 0;
    std::vector<std::string> args;
    std::string current;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n') {
            args.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    args.push_back(current);
    if (args.size() > 32)
        return 0;
    if (!args.empty() &&
        (args[0] == "generate" || args[0] == "forward" || args[0] == "verify" || args[0] == "fit"))
        return 0;
    for (const std::string& a : args)
        if (!a.empty() && (a[0] == '/' || a.find("..") != std::string::npos || a.find("--out") == 0 ||
                           a.find("--logits-out") == 0 || a.find("--weights") == 0))
            return 0;
    std::ostringstream out, err;
    bool internalError = false;
    const int code = llamascope::cli::runApp(args, out, err, &internalError);
    if (code < 0 || (code > 3 && code != 130))
        __builtin_trap(); // exit codes are 0..3 (130 only for Ctrl-C)
    if (internalError)
        __builtin_trap(); // an exception escaped a command: a bug, even though it was caught
    // Terminal safety (issue 10): whatever the arguments, no byte that acts on a terminal
    // (ESC, CR, NUL, other C0 but newline and tab, DEL, C1 as UTF-8, bidi overrides) and no
    // invalid UTF-8 reaches stdout or stderr. None of these commands draws a progress line.
    for (const std::string& text : {out.str(), err.str()}) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                __builtin_trap();
            if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                static_cast<unsigned char>(text[i + 1]) <= 0x9f)
                __builtin_trap(); // a C1 control
            if (c == 0xe2 && text.compare(i, 2, "\xe2\x80") == 0 && i + 2 < text.size() &&
                static_cast<unsigned char>(text[i + 2]) >= 0xaa &&
                static_cast<unsigned char>(text[i + 2]) <= 0xae)
                __builtin_trap(); // a bidi embedding or override
        }
        if (!llamascope::isValidUtf8(text))
            __builtin_trap();
    }
    return 0;
}
