// Runs a fuzz target's LLVMFuzzerTestOneInput on every file of the given folders, without
// libFuzzer: the seed corpora and the crash regressions become ordinary tests.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional, as in libFuzzer: a target that defines it sets itself up before the first input.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv)
{
    // The folders are read after the target may have changed the working folder.
    std::vector<std::filesystem::path> folders;
    for (int i = 1; i < argc; ++i)
        folders.push_back(std::filesystem::absolute(argv[i]));
    if (LLVMFuzzerInitialize != nullptr)
        LLVMFuzzerInitialize(&argc, &argv);
    std::size_t count = 0;
    for (const std::filesystem::path& folder : folders) {
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec))
            continue;
        for (const auto& entry : std::filesystem::directory_iterator(folder)) {
            std::ifstream in(entry.path(), std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++count;
        }
    }
    std::cout << "replayed " << count << " inputs\n";
    return count > 0 ? 0 : 1;
}
