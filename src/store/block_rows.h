// src/store/block_rows.h
//
// BlockRows reads single rows of one block of a segment: column values and the original record,
// decoding only the pages that hold the rows asked for and, inside a page, only the values asked
// for where the encoding allows it. It is for a few rows of a block, such as the events of one
// LookupEvents page, which are often spread over many blocks: rebuilding one record through a
// scan decodes every stream the record refers to for the whole block (SegmentReader::ReadRecords),
// which costs ~20x more for a single row. To read most rows of a block, scan it instead.
//
// Pages come from the process's PageCache when it holds them (and go into it when decompressed
// here), so that a page shared by the rows of several lookups is decompressed once.
//
// Thread-safety: one thread at a time. A BlockRows must not outlive its SegmentReader. Views it
// returns stay valid until it is destroyed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/event.h"
#include "store/columns.h"

namespace cairn {

class BlockRows {
 public:
  virtual ~BlockRows() = default;

  // Rows of the block.
  virtual uint32_t rows() const = 0;

  // The value of scalar string (or map) column `column` in `row`; a NULL Str when NULL.
  // kInvalidArgument for a list child or a column of another type; kOutOfRange for a row past
  // the block; kDataLoss, naming the file, the page and its offset, for corrupt data.
  virtual Result<Str> String(ColumnId column, uint32_t row) = 0;
  // The value of boolean column `column` in `row` (errors as String()).
  virtual Result<OptBool> Bool(ColumnId column, uint32_t row) = 0;
  // Appends the values of list child `column` (resources.*) for the elements of `row`, in order,
  // to `out` (errors as String()).
  virtual Status Elements(ColumnId column, uint32_t row, std::vector<Str>* out) = 0;
  // Appends the original record of `row` to `out` and returns true, or returns false (appending
  // nothing) when the event was stored without a record (errors as String()).
  virtual Result<bool> Record(uint32_t row, std::string* out) = 0;
};

}  // namespace cairn
