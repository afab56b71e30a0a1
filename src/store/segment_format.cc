#include "store/segment_format.h"

#include <algorithm>

#include "store/bloom_filter.h"
#include "store/segment_coding.h"

namespace cairn::segment {
namespace {

void PutSection(std::string* out, const SectionRef& s) {
  PutVarint(out, s.offset);
  PutVarint(out, s.size);
  if (s.size) PutFixed32(out, s.crc);
}

SectionRef GetSection(Decoder* d, uint64_t data_end) {
  SectionRef s;
  s.offset = d->Varint();
  s.size = d->Varint();
  if (s.size) {
    s.crc = d->Fixed32();
    if (s.offset < kHeaderSize || s.offset > data_end || s.size > data_end - s.offset) d->Fail();
  }
  return s;
}

bool ValidEncoding(uint8_t e) { return e >= 1 && e <= 8; }

}  // namespace

const ChunkInfo* BlockInfo::FindChunk(uint16_t id) const {
  for (const ChunkInfo& c : chunks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const ColumnInfo* Footer::FindColumn(uint16_t id) const {
  for (const ColumnInfo& c : columns) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

void EncodeFooter(const Footer& f, std::string* out) {
  PutVarint(out, f.meta.event_count);
  PutSignedVarint(out, f.meta.min_event_time_us);
  PutSignedVarint(out, f.meta.max_event_time_us);
  PutVarint(out, f.meta.raw_bytes);
  PutVarint(out, f.columns.size());
  for (const ColumnInfo& c : f.columns) {
    PutVarint(out, c.id);
    out->push_back(static_cast<char>(c.encoding));
    if (c.encoding == Encoding::kDict) {
      PutVarint(out, c.dict_count);
      out->push_back(static_cast<char>(c.code_width));
      PutSection(out, c.dict);
      out->push_back(c.grouped ? 1 : 0);
    }
    if (c.encoding == Encoding::kCodeGroup) {
      PutVarint(out, c.members.size());
      for (uint16_t m : c.members) PutVarint(out, m);
    }
    PutSection(out, c.zdict);
  }
  PutVarint(out, f.blocks.size());
  for (const BlockInfo& b : f.blocks) {
    PutVarint(out, b.rows);
    PutSignedVarint(out, b.min_time);
    PutSignedVarint(out, b.max_time - b.min_time);
    PutSection(out, b.bloom);
    PutVarint(out, b.chunks.size());
    for (const ChunkInfo& c : b.chunks) {
      const ColumnInfo* col = f.FindColumn(c.id);
      PutVarint(out, c.id);
      PutVarint(out, c.null_count);
      PutVarint(out, c.offset);
      PutVarint(out, c.size);
      PutVarint(out, c.dir_size);
      PutFixed32(out, c.dir_crc);
      switch (col ? col->encoding : Encoding::kCount) {
        case Encoding::kDict:
          PutVarint(out, c.min_code);
          PutVarint(out, c.max_code - c.min_code);
          break;
        case Encoding::kPlain:
        case Encoding::kUuid:
          PutBytes(out, c.min_prefix);
          PutBytes(out, c.max_prefix);
          break;
        case Encoding::kTimeDelta:
        case Encoding::kTimeRelative:
          PutSignedVarint(out, c.min_i64);
          PutSignedVarint(out, c.max_i64);
          break;
        case Encoding::kBool:
          PutVarint(out, c.true_count);
          PutVarint(out, c.false_count);
          break;
        case Encoding::kCount:
        case Encoding::kCodeGroup:
          break;
      }
    }
  }
}

bool DecodeFooter(std::string_view data, uint64_t data_end, Footer* f) {
  Decoder d(data);
  f->meta.event_count = d.Varint();
  f->meta.min_event_time_us = d.SignedVarint();
  f->meta.max_event_time_us = d.SignedVarint();
  f->meta.raw_bytes = d.Varint();
  uint64_t ncols = d.Varint();
  if (ncols > 4096) return false;
  f->columns.clear();
  for (uint64_t i = 0; i < ncols && d.ok(); ++i) {
    ColumnInfo c;
    c.id = static_cast<uint16_t>(d.Varint32());
    uint8_t e = d.U8();
    if (!ValidEncoding(e)) return false;
    c.encoding = static_cast<Encoding>(e);
    if (c.encoding == Encoding::kDict) {
      c.dict_count = d.Varint32();
      c.code_width = d.U8();
      if (c.code_width != 1 && c.code_width != 2 && c.code_width != 4) return false;
      c.dict = GetSection(&d, data_end);
      const uint8_t grouped = d.U8();
      if (grouped > 1) return false;
      c.grouped = grouped == 1;
    }
    if (c.encoding == Encoding::kCodeGroup) {
      const uint64_t n = d.Varint();
      if (n > ncols) return false;
      for (uint64_t k = 0; k < n; ++k) c.members.push_back(static_cast<uint16_t>(d.Varint32()));
    }
    c.zdict = GetSection(&d, data_end);
    if (!f->columns.empty() && f->columns.back().id >= c.id) return false;
    f->columns.push_back(std::move(c));
  }
  uint64_t nblocks = d.Varint();
  if (!d.ok() || nblocks > f->meta.event_count) return false;
  f->blocks.clear();
  f->blocks.reserve(nblocks);
  uint64_t rows = 0;
  for (uint64_t i = 0; i < nblocks && d.ok(); ++i) {
    BlockInfo b;
    b.rows = d.Varint32();
    b.min_time = d.SignedVarint();
    b.max_time = b.min_time + d.SignedVarint();
    b.bloom = GetSection(&d, data_end);
    if (b.rows == 0 || b.rows > kMaxBlockRows || b.max_time < b.min_time) return false;
    rows += b.rows;
    uint64_t nchunks = d.Varint();
    if (nchunks > ncols) return false;
    for (uint64_t k = 0; k < nchunks && d.ok(); ++k) {
      ChunkInfo c;
      c.id = static_cast<uint16_t>(d.Varint32());
      c.null_count = d.Varint32();
      c.offset = d.Varint();
      c.size = d.Varint();
      c.dir_size = d.Varint32();
      c.dir_crc = d.Fixed32();
      if (c.size > 0 && (c.offset < kHeaderSize || c.offset > data_end ||
                         c.size > data_end - c.offset || c.dir_size > c.size)) {
        return false;
      }
      const ColumnInfo* col = f->FindColumn(c.id);
      if (!col) return false;
      if (!b.chunks.empty() && b.chunks.back().id >= c.id) return false;
      switch (col->encoding) {
        case Encoding::kDict:
          c.min_code = d.Varint32();
          c.max_code = c.min_code + d.Varint32();
          if (c.max_code < c.min_code) return false;
          break;
        case Encoding::kPlain:
        case Encoding::kUuid:
          c.min_prefix = std::string(d.LengthPrefixed());
          c.max_prefix = std::string(d.LengthPrefixed());
          break;
        case Encoding::kTimeDelta:
        case Encoding::kTimeRelative:
          c.min_i64 = d.SignedVarint();
          c.max_i64 = d.SignedVarint();
          break;
        case Encoding::kBool:
          c.true_count = d.Varint32();
          c.false_count = d.Varint32();
          break;
        case Encoding::kCount:
        case Encoding::kCodeGroup:
          break;
      }
      // Only grouped dictionary streams have chunk entries without data.
      if ((c.size == 0) != (col->encoding == Encoding::kDict && col->grouped)) return false;
      b.chunks.push_back(std::move(c));
    }
    f->blocks.push_back(std::move(b));
  }
  if (!d.ok() || !d.done() || rows != f->meta.event_count) return false;
  if (!f->blocks.empty() && (f->blocks.front().min_time != f->meta.min_event_time_us ||
                             f->blocks.back().max_time != f->meta.max_event_time_us)) {
    return false;
  }
  // A grouped stream needs its group, whose members must be grouped dictionary streams.
  const ColumnInfo* group = f->FindColumn(kCodeGroupId);
  for (const ColumnInfo& c : f->columns) {
    if (c.grouped && (!group || std::find(group->members.begin(), group->members.end(), c.id) ==
                                    group->members.end())) {
      return false;
    }
  }
  if (group) {
    if (group->encoding != Encoding::kCodeGroup || group->members.empty()) return false;
    for (uint16_t m : group->members) {
      const ColumnInfo* c = f->FindColumn(m);
      if (!c || c->encoding != Encoding::kDict || !c->grouped) return false;
    }
  }
  f->meta.block_count = static_cast<uint32_t>(f->blocks.size());
  return true;
}

void EncodePageDirectory(const std::vector<PageInfo>& pages, std::string* out) {
  PutVarint(out, pages.size());
  for (const PageInfo& p : pages) {
    PutVarint(out, p.rows);
    PutVarint(out, p.usize);
    PutVarint(out, p.csize);
    out->push_back(static_cast<char>(p.compression));
    PutFixed32(out, p.crc);
  }
}

bool DecodePageDirectory(std::string_view data, uint64_t pages_offset, uint64_t chunk_end,
                         std::vector<PageInfo>* pages) {
  Decoder d(data);
  uint64_t n = d.Varint();
  if (n > data.size()) return false;
  pages->clear();
  pages->reserve(n);
  uint64_t offset = pages_offset;
  uint64_t first = 0;
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    PageInfo p;
    p.rows = d.Varint32();
    p.usize = d.Varint32();
    p.csize = d.Varint32();
    uint8_t c = d.U8();
    p.crc = d.Fixed32();
    if (c > 2) return false;
    p.compression = static_cast<PageCompression>(c);
    if (p.compression == PageCompression::kNone && p.csize != p.usize) return false;
    p.offset = offset;
    p.first = static_cast<uint32_t>(first);
    offset += p.csize;
    first += p.rows;
    if (offset > chunk_end || first > 0xFFFFFFFFu) return false;
    pages->push_back(p);
  }
  return d.ok() && d.done() && offset == chunk_end;
}

void EncodeBlooms(const std::vector<std::pair<uint16_t, std::string>>& blooms, std::string* out) {
  PutVarint(out, blooms.size());
  for (const auto& [id, bits] : blooms) {
    PutVarint(out, id);
    PutBytes(out, bits);
  }
}

bool DecodeBlooms(std::string_view data, std::vector<BloomEntry>* out) {
  Decoder d(data);
  uint64_t n = d.Varint();
  if (n > data.size()) return false;
  out->clear();
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    BloomEntry e;
    e.id = static_cast<uint16_t>(d.Varint32());
    e.bits = d.LengthPrefixed();
    if (!BloomFilterView::IsValidSize(e.bits.size())) return false;
    out->push_back(e);
  }
  return d.ok() && d.done();
}

}  // namespace cairn::segment
