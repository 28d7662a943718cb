#pragma once
// The command list. Add a command: write cli/commands/<name>.cpp defining
// `const Command& <name>Command()`, declare it here and list it in commands.cpp.

#include "command.hpp"

#include <span>

namespace llamascope::cli {

const Command& validateCommand();
const Command& showCommand();
const Command& compareCommand();
const Command& reportCommand();
const Command& flopsCommand();
const Command& familiesCommand();
const Command& schemaCommand();
const Command& forwardCommand();
const Command& verifyCommand();
const Command& memoryCommand();
const Command& generateCommand();
const Command& fitCommand();
const Command& predictCommand();
const Command& planCommand();

/// Every command, in the order `--help` lists them.
std::span<const Command* const> allCommands();

} // namespace llamascope::cli
