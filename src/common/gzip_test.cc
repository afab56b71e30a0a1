#include "common/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>

namespace cairn::gzip {
namespace {

// Text that compresses like CloudTrail JSON (repetitive keys, varying values).
std::string JsonLike(size_t bytes, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(bytes + 200);
  while (s.size() < bytes) {
    s += R"({"eventVersion":"1.08","eventTime":"2025-01-0)";
    s += std::to_string(rng() % 10);
    s += R"(T12:00:00Z","eventName":"GetObject","sourceIPAddress":"10.0.)";
    s += std::to_string(rng() % 256) + "." + std::to_string(rng() % 256);
    s += R"(","requestID":")" + std::to_string(rng()) + "\"},\n";
  }
  s.resize(bytes);
  return s;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// A gzip member written by zlib with the optional FNAME, FCOMMENT and FEXTRA header fields.
std::string ZlibGzipWithHeader(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  gz_header h{};
  char fname[] = "trail.json";
  char comment[] = "a comment";
  unsigned char extra[] = {'A', 'B', 2, 0, 'x', 'y'};
  h.name = reinterpret_cast<Bytef*>(fname);
  h.comment = reinterpret_cast<Bytef*>(comment);
  h.extra = extra;
  h.extra_len = sizeof(extra);
  h.hcrc = 1;
  EXPECT_EQ(deflateSetHeader(&z, &h), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = data.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A SequentialFile over a string that returns at most `max_read` bytes per Read, to exercise
// every buffer boundary in the stream reader.
class ChunkedSource : public SequentialFile {
 public:
  ChunkedSource(std::string data, size_t max_read) : data_(std::move(data)), max_read_(max_read) {}
  Result<std::string_view> Read(size_t n, char* scratch) override {
    n = std::min({n, max_read_, data_.size() - pos_});
    std::memcpy(scratch, data_.data() + pos_, n);
    pos_ += n;
    return std::string_view(scratch, n);
  }

 private:
  std::string data_;
  size_t max_read_;
  size_t pos_ = 0;
};

Result<std::string> StreamInflate(std::string gz, size_t max_read, size_t chunk,
                                  bool pass_through = false) {
  ChunkedSource src(std::move(gz), max_read);
  GzipStreamReader::Options o;
  o.chunk_size = chunk;
  o.read_size = 64;
  o.pass_through_if_not_gzip = pass_through;
  GzipStreamReader r(&src, "s.gz", o);
  std::string out;
  while (true) {
    ASSIGN_OR_RETURN(std::string_view c, r.Next());
    if (c.empty()) break;
    EXPECT_LE(c.size(), chunk);
    out.append(c);
  }
  // End is sticky.
  Result<std::string_view> again = r.Next();
  EXPECT_TRUE(again.ok() && again->empty());
  return out;
}

TEST(GzipTest, IsGzip) {
  EXPECT_TRUE(IsGzip("\x1f\x8b"));
  EXPECT_FALSE(IsGzip("\x1f"));
  EXPECT_FALSE(IsGzip(""));
  EXPECT_FALSE(IsGzip("{\"Records\":[]}"));
  EXPECT_TRUE(IsGzip(Deflate("x")));
}

TEST(GzipTest, RoundTripsAtEveryLevel) {
  const std::string data = JsonLike(100000);
  for (int level : {-5, 0, 1, 6, 9, 12, 99}) {
    std::string gz = Deflate(data, level);
    Result<std::string> back = Inflate(gz, "t.gz");
    ASSERT_TRUE(back.ok()) << level << " " << back.status().ToString();
    EXPECT_EQ(*back, data) << level;
  }
  EXPECT_LT(Deflate(data, 6).size(), data.size() / 4);
}

TEST(GzipTest, EmptyAndTinyInputs) {
  EXPECT_EQ(*Inflate(Deflate(""), "e.gz"), "");
  EXPECT_EQ(*Inflate(Deflate("a"), "a.gz"), "a");

  Result<std::string> r = Inflate("", "empty.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("empty.json"), std::string::npos);

  EXPECT_EQ(Inflate("{}", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*MaybeInflate("", "x"), "");
  EXPECT_EQ(*MaybeInflate("{\"Records\":[]}", "x"), "{\"Records\":[]}");
  EXPECT_EQ(*MaybeInflate(Deflate("hello"), "x"), "hello");
}

// DeflateFast output is read by our own inflater and by zlib (another implementation), is the same
// bytes every time, and is deflate-sized (not stored).
TEST(GzipTest, DeflateFastRoundTripsAndIsDeterministic) {
  for (const std::string& data : {std::string(), std::string("a"), JsonLike(100000),
                                  RandomBytes(300000, 3), std::string(1 << 20, 'x')}) {
    const std::string gz = DeflateFast(data);
    ASSERT_TRUE(IsGzip(gz));
    Result<std::string> back = Inflate(gz, "fast.gz");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
    EXPECT_EQ(DeflateFast(data), gz);

    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    std::string out(data.size() + 1, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    inflateEnd(&z);
    EXPECT_EQ(out, data);
  }
  EXPECT_LT(DeflateFast(JsonLike(100000)).size(), 100000u / 3);
}

// Inflates with zlib (an implementation independent of ours and of ISA-L).
std::string ZlibInflate(const std::string& gz, size_t max_out) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  std::string out(max_out + 1, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

// Codes built once from a sample: any data round-trips through our inflater and zlib (also bytes
// the sample never had, and data that does not compress), the same codes give the same bytes,
// and data like the sample comes out close to the size of a per-input code (igzip level 1).
TEST(GzipTest, DeflateFastWithSampleCodes) {
  const std::string sample = JsonLike(200000, 7);
  std::shared_ptr<const DeflateCodes> codes = DeflateCodes::FromSample(sample);
  std::shared_ptr<const DeflateCodes> again = DeflateCodes::FromSample(sample);
  std::shared_ptr<const DeflateCodes> flat = DeflateCodes::FromSample("");
  std::string all_bytes;
  for (int i = 0; i < 256 * 8; ++i) all_bytes.push_back(static_cast<char>(i * 37));
  for (const std::string& data :
       {std::string(), std::string("a"), JsonLike(6500, 3), JsonLike(100000, 4),
        RandomBytes(300000, 5), std::string(1 << 20, 'x'), all_bytes}) {
    for (const DeflateCodes* c : {codes.get(), flat.get()}) {
      const std::string gz = DeflateFast(data, c);
      ASSERT_TRUE(IsGzip(gz));
      Result<std::string> back = Inflate(gz, "codes.gz");
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, data);
      EXPECT_EQ(ZlibInflate(gz, data.size()), data);
      EXPECT_EQ(DeflateFast(data, c), gz);
    }
    EXPECT_EQ(DeflateFast(data, again.get()), DeflateFast(data, codes.get()));
  }
  // Incompressible data is not blown up by codes that do not fit it.
  EXPECT_LT(DeflateFast(RandomBytes(300000, 5), codes.get()).size(), 300000u * 11 / 10);
  for (size_t n : {6500, 100000}) {
    const std::string data = JsonLike(n, 11);
    const size_t per_input = DeflateFast(data).size();
    const size_t shared = DeflateFast(data, codes.get()).size();
    EXPECT_LT(shared, per_input * 115 / 100) << n;
    EXPECT_LT(shared, DeflateFast(data, flat.get()).size()) << n;
  }
}

TEST(GzipTest, IncompressibleData) {
  const std::string data = RandomBytes(300000, 7);
  EXPECT_EQ(*Inflate(Deflate(data), "r.gz"), data);
}

TEST(GzipTest, TruncatedIsDataLossWithOffset) {
  const std::string gz = Deflate(JsonLike(50000));
  for (size_t cut :
       {size_t{2}, size_t{5}, size_t{10}, gz.size() / 2, gz.size() - 8, gz.size() - 1}) {
    Result<std::string> r = Inflate(std::string_view(gz).substr(0, cut), "cut.json.gz");
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << cut;
    EXPECT_NE(r.status().message().find("cut.json.gz"), std::string::npos);
    EXPECT_NE(r.status().message().find("byte"), std::string::npos) << r.status().message();
  }
  Result<std::string> r = Inflate(std::string_view(gz).substr(0, gz.size() / 2), "cut.json.gz");
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().message();
}

TEST(GzipTest, CorruptCrcAndSize) {
  const std::string data = JsonLike(20000);
  std::string gz = Deflate(data);
  std::string bad_crc = gz;
  bad_crc[gz.size() - 6] ^= 0x01;
  Result<std::string> r = Inflate(bad_crc, "crc.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("crc.gz"), std::string::npos);

  std::string bad_size = gz;
  bad_size[gz.size() - 4] ^= 0x01;  // ISIZE off by one
  EXPECT_EQ(Inflate(bad_size, "size.gz").status().code(), StatusCode::kDataLoss);

  std::string huge_size = gz;  // a forged ISIZE must not be trusted for anything but a hint
  std::memset(huge_size.data() + gz.size() - 4, 0xff, 4);
  EXPECT_EQ(Inflate(huge_size, "huge.gz").status().code(), StatusCode::kDataLoss);
}

TEST(GzipTest, CorruptBodyIsDataLoss) {
  const std::string data = JsonLike(20000);
  const std::string gz = Deflate(data);
  for (size_t pos : {size_t{10}, size_t{30}, gz.size() / 3, gz.size() / 2}) {
    std::string bad = gz;
    bad[pos] ^= 0x5a;
    Result<std::string> r = Inflate(bad, "body.gz");
    ASSERT_FALSE(r.ok()) << pos;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << pos;
  }
}

TEST(GzipTest, ConcatenatedMembers) {
  const std::string a = JsonLike(1000, 1), b = JsonLike(300000, 2), c = JsonLike(7, 3);
  // The size hint (from the last member) is wrong for the first members: the output must grow.
  std::string gz = Deflate(a) + Deflate("") + Deflate(b) + Deflate(c);
  EXPECT_EQ(*Inflate(gz, "multi.gz"), a + b + c);

  std::string many_gz, many;
  for (int i = 0; i < 200; ++i) {
    std::string part = JsonLike(100 + i * 37, i);
    many += part;
    many_gz += Deflate(part, i % 13);
  }
  EXPECT_EQ(*Inflate(many_gz, "many.gz"), many);

  // A truncated second member is still an error.
  std::string cut = Deflate(a) + Deflate(b).substr(0, 100);
  EXPECT_EQ(Inflate(cut, "cut2.gz").status().code(), StatusCode::kDataLoss);
}

TEST(GzipTest, TrailingGarbageNamesOffset) {
  std::string gz = Deflate("hello");
  const size_t member = gz.size();
  Result<std::string> r = Inflate(gz + "junk", "g.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("byte " + std::to_string(member)), std::string::npos)
      << r.status().message();
  EXPECT_EQ(Inflate(gz + std::string(4, '\0'), "z.gz").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Inflate(gz + "\x1f", "one.gz").status().code(), StatusCode::kDataLoss);
}

TEST(GzipTest, OptionalHeaderFieldsFromZlib) {
  const std::string data = JsonLike(40000);
  std::string gz = ZlibGzipWithHeader(data);
  EXPECT_EQ(*Inflate(gz, "z.gz"), data);
  for (size_t max_read : {4096, 13, 1}) {
    Result<std::string> streamed = StreamInflate(gz, max_read, 1000);
    ASSERT_TRUE(streamed.ok()) << max_read << ": " << streamed.status().ToString();
    EXPECT_EQ(*streamed, data);
  }
}

TEST(GzipTest, LargeData) {
  const std::string data = JsonLike(8 << 20, 9);
  std::string gz = Deflate(data, 1);
  Result<std::string> whole = Inflate(gz, "big.gz");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(*whole == data);
  Result<std::string> streamed = StreamInflate(gz, 1 << 20, 1 << 20);
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  EXPECT_TRUE(*streamed == data);
}

TEST(GzipStreamReaderTest, RoundTripsAcrossEveryBoundary) {
  const std::string a = JsonLike(5000, 4), b = JsonLike(70000, 5);
  const std::string gz = Deflate(a) + Deflate("") + Deflate(b, 12);
  for (size_t max_read : {1, 2, 3, 17, 4096}) {
    for (size_t chunk : {1, 100, 65536}) {
      if (max_read == 1 && chunk == 1) continue;  // slow and adds nothing
      Result<std::string> r = StreamInflate(gz, max_read, chunk);
      ASSERT_TRUE(r.ok()) << max_read << "/" << chunk << ": " << r.status().ToString();
      EXPECT_TRUE(*r == a + b) << max_read << "/" << chunk;
    }
  }
}

TEST(GzipStreamReaderTest, ErrorsMatchInflate) {
  const std::string gz = Deflate(JsonLike(30000));

  Result<std::string> r = StreamInflate(gz.substr(0, gz.size() - 3), 7, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos);
  EXPECT_NE(r.status().message().find("s.gz"), std::string::npos);

  std::string bad_crc = gz;
  bad_crc[gz.size() - 7] ^= 1;
  r = StreamInflate(bad_crc, 4096, 1000);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);

  r = StreamInflate(gz + "x", 3, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("byte " + std::to_string(gz.size())), std::string::npos)
      << r.status().message();

  r = StreamInflate("plain text", 3, 1000);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = StreamInflate("", 3, 1000);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

// Each kind of damage the streaming decoder (ISA-L, header read by us) must catch, in pieces of
// every size, named with the input and an offset.
TEST(GzipStreamReaderTest, DamageInEveryPart) {
  const std::string gz = Deflate(JsonLike(30000));
  const std::string with_header = ZlibGzipWithHeader(JsonLike(20000));
  std::string bad_isize = gz;
  bad_isize[gz.size() - 2] ^= 1;
  std::string bad_hcrc = with_header;
  bad_hcrc[40] ^= 1;  // the header's CRC-16 (its last byte)
  std::string bad_method = gz;
  bad_method[2] = 7;
  std::string reserved_flag = gz;
  reserved_flag[3] = '\x20';
  std::string bad_body = gz;
  bad_body[gz.size() / 2] ^= 0x55;
  for (const auto& [what, damaged] : std::vector<std::pair<std::string, std::string>>{
           {"ISIZE", bad_isize},
           {"header CRC", bad_hcrc},
           {"method", bad_method},
           {"reserved flag", reserved_flag},
           {"body", bad_body},
           {"truncated header", with_header.substr(0, 25)},
           {"truncated body", gz.substr(0, gz.size() / 2)}}) {
    for (size_t max_read : {1, 7, 4096}) {
      Result<std::string> r = StreamInflate(damaged, max_read, 1000);
      ASSERT_FALSE(r.ok()) << what << " " << max_read;
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << what;
      EXPECT_NE(r.status().message().find("s.gz: gzip: "), std::string::npos) << what;
      EXPECT_NE(r.status().message().find(" at byte "), std::string::npos) << what;
    }
    // The whole-buffer path agrees, except that libdeflate does not check the header CRC.
    if (what != "header CRC") {
      EXPECT_FALSE(Inflate(damaged, "w.gz").ok()) << what;
    }
  }
}

TEST(GzipStreamReaderTest, PassThrough) {
  EXPECT_EQ(*StreamInflate("plain text, not gzip", 3, 1000, true), "plain text, not gzip");
  EXPECT_EQ(*StreamInflate("", 3, 1000, true), "");
  EXPECT_EQ(*StreamInflate("x", 3, 1000, true), "x");
  EXPECT_EQ(*StreamInflate(Deflate("zipped"), 3, 1000, true), "zipped");
}

TEST(GzipStreamReaderTest, ErrorIsSticky) {
  ChunkedSource src("\x1f\x8b\x08\x00garbage", 100);
  GzipStreamReader r(&src, "bad.gz");
  Result<std::string_view> first = r.Next();
  ASSERT_FALSE(first.ok());
  Result<std::string_view> second = r.Next();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(first.status(), second.status());
}

}  // namespace
}  // namespace cairn::gzip
