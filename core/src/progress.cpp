#include "llamascope/progress.hpp"

#include "llamascope/errors.hpp"

namespace llamascope {

void throwIfCancelled(const Progress* progress)
{
    if (progress != nullptr && progress->isCancelled())
        throw Cancelled();
}

} // namespace llamascope
