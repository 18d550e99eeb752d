// A hint for large buffers that are filled once and then read many times (the analysis
// engine's columns): back them with transparent huge pages where the kernel offers them
// on request, so filling them takes one page fault per 2 MiB instead of per 4 KiB. Only
// a hint: nothing changes where huge pages are off or unsupported.
#pragma once

#include <cstddef>
#include <vector>

namespace harmlens {

// Advises the whole 2 MiB pages inside [data, data + bytes). Call it before the memory
// is first written (after reserve(), before the fill): pages already touched stay small.
void AdviseHugePages(void* data, size_t bytes);

template <typename T>
void AdviseHugePages(std::vector<T>& buffer) {
  AdviseHugePages(buffer.data(), buffer.capacity() * sizeof(T));
}

}  // namespace harmlens
