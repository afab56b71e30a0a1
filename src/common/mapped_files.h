// src/common/mapped_files.h
//
// How many files Env::Default()'s RandomAccessFiles may map at once. Big files (256 KiB and more)
// are mapped (mmap) while fewer than the limit are, else read with pread. Pages of a mapped file
// that were read count in the process's resident memory: `cairn import`, whose memory bound is
// measured as its RSS, allows none (its dedupe checks read segments it wrote earlier).
//
// Thread-safety: process-wide; may be called from any thread; affects files opened afterwards
// (files mapped already stay mapped).
#pragma once

namespace cairn {

// Default 4096 (the kernel's vm.max_map_count is 65530 by default). 0: never map.
void SetMaxMappedFiles(int n);

}  // namespace cairn
