// Machine queries for the forward pass: see forward/system.hpp.

#include "llamascope/forward/system.hpp"

#include <fstream>
#include <string>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>
#endif

namespace llamascope {

int hardwareThreads()
{
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
#endif
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

Count physicalMemoryBytes()
{
#if defined(__linux__)
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
        return static_cast<Count>(pages) * static_cast<Count>(pageSize);
#endif
    return 0;
}

Count defaultMemoryBudget()
{
    const Count ram = physicalMemoryBytes();
    return ram > 0 ? ram / 2 : Count{4} << 30;
}

Count peakRssBytes()
{
#if defined(__linux__)
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return static_cast<Count>(std::stoll(line.substr(6))) * 1024; // reported in kB
#endif
    return 0;
}

bool resetPeakRss()
{
#if defined(__linux__)
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
#else
    return false;
#endif
}

} // namespace llamascope
