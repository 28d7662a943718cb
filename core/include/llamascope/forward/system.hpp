#pragma once
// What the machine offers the forward pass: cores, memory, and the process's peak RSS.

#include "llamascope/checked.hpp"

namespace llamascope {

/// CPUs this process may run on (affinity mask), at least 1.
int hardwareThreads();

/// Physical memory in bytes, or 0 if unknown.
Count physicalMemoryBytes();

/// The default --max-memory: half of physical memory (4 GiB if unknown), leaving room for
/// the OS, the page cache a checkpoint is read through, and other programs.
Count defaultMemoryBudget();

/// Peak resident set size of this process in bytes (Linux VmHWM), or 0 if unknown.
Count peakRssBytes();

/// Resets the peak RSS to the current RSS where the OS allows it (Linux: clear_refs 5), so
/// several runs in one process can each report their own peak. Returns false if it could not.
bool resetPeakRss();

} // namespace llamascope
