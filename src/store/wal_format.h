// src/store/wal_format.h
//
// The framing of write-ahead-log records, shared by WalWriter and WalReader. The full byte grammar
// is in doc/format/wal.md and atop wal_writer.cc.
//
// Thread-safety: pure functions and constants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::wal {

enum class RecordType : uint8_t {
  kBatch = 1,       // one appended batch (payload: wal_batch.h)
  kFileHeader = 2,  // first record of every WAL file: magic, format version, file number
};

inline constexpr size_t kHeaderSize = 9;  // length:fixed32 crc32c:fixed32 type:uint8
// A record's payload is at most 1 GiB: a longer length field can only be a torn or corrupt header.
inline constexpr uint32_t kMaxPayload = 1u << 30;
inline constexpr std::string_view kFileMagic = "CAIRNWAL";
inline constexpr uint32_t kFormatVersion = 1;

// Two-step framing, so a payload can be encoded straight into the output buffer: BeginRecord
// reserves the header and returns where it starts; the caller appends the payload; FinishRecord
// fills in length and checksum. REQUIRES: the payload appended in between is <= kMaxPayload bytes.
size_t BeginRecord(std::string* out);
void FinishRecord(std::string* out, size_t start, RecordType type);
// Appends a whole record.
void AppendRecord(std::string* out, RecordType type, std::string_view payload);

// The CRC stored in a header: crc32c over the type byte and the payload.
uint32_t RecordCrc(RecordType type, std::string_view payload);

// "000012.log": WAL file `number` inside the store's wal/ folder. ParseFileName returns false for
// names that are not WAL files.
std::string FileName(uint64_t number);
bool ParseFileName(std::string_view name, uint64_t* number);

}  // namespace cairn::wal
