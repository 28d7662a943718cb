// Loads an installed bundled config through the installed library and prints its count.
#include <llamascope/params.hpp>
#include <llamascope/validate.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    if (argc != 2)
        return 2;
    const llamascope::LoadResult r = llamascope::loadConfigFile(argv[1]);
    if (!r.config)
        return 1;
    std::cout << "consumer: " << r.config->name << " has " << llamascope::countParameters(*r.config).total
              << " parameters\n";
    return 0;
}
