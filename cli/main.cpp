// llamascope: validate, compare, count and design LLaMA-family configs.

#include "app.hpp"
#include "progress.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    std::ios::sync_with_stdio(false);
    llamascope::cli::installSignalCleanup();
    const std::vector<std::string> args(argv + 1, argv + argc);
    const int code = llamascope::cli::runApp(args, std::cout, std::cerr);
    std::cout.flush();
    return code;
}
