// SETIFMD5 (etag_family.cc): the conditional write behind the HTTP front's If-Match, on 1
// and 4 shards; plus the MD5 helper and the latency histogram's buckets.
#include "engine/digest.h"
#include "engine/stats.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

class EtagFamilyTest : public EngineTest {};

// MD5 test vectors from RFC 1321.
TEST(DigestTest, Md5HexMatchesRfc1321) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Md5Hex(std::string("a\0b", 3)).size(), 32u);
}

TEST(DigestTest, IsMd5Hex) {
  EXPECT_TRUE(IsMd5Hex("d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_TRUE(IsMd5Hex("D41D8CD98F00B204E9800998ECF8427E"));
  EXPECT_FALSE(IsMd5Hex("d41d8cd98f00b204e9800998ecf8427"));    // 31 digits
  EXPECT_FALSE(IsMd5Hex("d41d8cd98f00b204e9800998ecf8427e0"));  // 33
  EXPECT_FALSE(IsMd5Hex("g41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_FALSE(IsMd5Hex(""));
}

TEST(LatencyHistogramTest, PowerOfTwoBuckets) {
  EXPECT_EQ(LatencyHistogram::BucketOf(0), 0u);
  EXPECT_EQ(LatencyHistogram::BucketOf(1), 0u);
  EXPECT_EQ(LatencyHistogram::BucketOf(2), 1u);
  EXPECT_EQ(LatencyHistogram::BucketOf(3), 2u);
  EXPECT_EQ(LatencyHistogram::BucketOf(4), 2u);
  EXPECT_EQ(LatencyHistogram::BucketOf(5), 3u);
  EXPECT_EQ(LatencyHistogram::BucketOf(1024), 10u);
  EXPECT_EQ(LatencyHistogram::BucketOf(UINT64_MAX), LatencyHistogram::kBuckets - 1);
  for (size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    EXPECT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::UpperBoundUsec(i)), i);
    EXPECT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::UpperBoundUsec(i) + 1), i + 1);
  }
  LatencyHistogram h;
  h.Record(3);
  h.Record(100);
  EXPECT_EQ(h.buckets[2].Get(), 1u);
  EXPECT_EQ(h.buckets[7].Get(), 1u);
  EXPECT_EQ(h.sum_usec.Get(), 103u);
}

TEST_P(EtagFamilyTest, WritesOnlyWhenTheDigestMatches) {
  EXPECT_THAT(Run({"set", "k", "v1"}), OkArg());
  std::string etag = Md5Hex("v1");
  EXPECT_THAT(Run({"setifmd5", "k", "v2", Md5Hex("other")}), NilArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v1"));
  EXPECT_THAT(Run({"setifmd5", "k", "v2", etag}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v2"));
  // The old digest is stale now: a second writer holding it loses.
  EXPECT_THAT(Run({"setifmd5", "k", "v3", etag}), NilArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v2"));
}

TEST_P(EtagFamilyTest, DigestIsCaseInsensitive) {
  EXPECT_THAT(Run({"set", "k", "abc"}), OkArg());
  EXPECT_THAT(Run({"SETIFMD5", "k", "x", "900150983CD24FB0D6963F7D28E17F72"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("x"));
}

TEST_P(EtagFamilyTest, BinaryAndIntegerValues) {
  std::string binary("a\0b\r\n", 5);
  EXPECT_THAT(Run({"set", "bin", binary}), OkArg());
  EXPECT_THAT(Run({"setifmd5", "bin", "new", Md5Hex(binary)}), OkArg());
  EXPECT_THAT(Run({"get", "bin"}), BulkArg("new"));
  EXPECT_THAT(Run({"set", "n", "41"}), OkArg());
  EXPECT_THAT(Run({"incr", "n"}), IntArg(42));
  EXPECT_THAT(Run({"setifmd5", "n", "0", Md5Hex("42")}), OkArg());
  EXPECT_THAT(Run({"get", "n"}), BulkArg("0"));
}

TEST_P(EtagFamilyTest, MissingKeyIsNotWritten) {
  EXPECT_THAT(Run({"setifmd5", "nokey", "v", Md5Hex("")}), NilArg());
  EXPECT_THAT(Run({"exists", "nokey"}), IntArg(0));
}

TEST_P(EtagFamilyTest, DropsTheTtlAndExpiredKeysAreMissing) {
  EXPECT_THAT(Run({"set", "k", "v", "px", "1000"}), OkArg());
  EXPECT_THAT(Run({"setifmd5", "k", "w", Md5Hex("v")}), OkArg());
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
  EXPECT_THAT(Run({"set", "e", "v", "px", "100"}), OkArg());
  AdvanceTime(200);
  EXPECT_THAT(Run({"setifmd5", "e", "w", Md5Hex("v")}), NilArg());
  EXPECT_THAT(Run({"exists", "e"}), IntArg(0));
}

TEST_P(EtagFamilyTest, WrongTypeBadDigestAndArity) {
  EXPECT_THAT(Run({"hset", "h", "f", "v"}), IntArg(1));
  EXPECT_THAT(Run({"setifmd5", "h", "v", Md5Hex("")}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"setifmd5", "k", "w", "xyz"}), ErrArg("ERR invalid MD5 digest"));
  EXPECT_THAT(Run({"setifmd5", "k", "w", std::string(32, 'g')}), ErrArg("ERR invalid MD5 digest"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"setifmd5", "k", "w"}),
              ErrArg("ERR wrong number of arguments for 'setifmd5' command"));
  EXPECT_THAT(Run({"setifmd5", "k", "w", Md5Hex("v"), "extra"}),
              ErrArg("ERR wrong number of arguments for 'setifmd5' command"));
}

TEST_P(EtagFamilyTest, CommandsAreTimedInTheLatencyHistogram) {
  auto recorded = [&] {
    uint64_t n = 0;
    for (unsigned s = 0; s < engine_->shard_count(); ++s) {
      for (const Counter& b : engine_->shard(s).stats().latency.buckets) n += b.Get();
    }
    return n;
  };
  uint64_t before = recorded();
  for (int i = 0; i < 10; ++i) Run({"set", "k", "v"});
  EXPECT_EQ(recorded(), before + 10);
  EXPECT_THAT(Run({"config", "resetstat"}), OkArg());
  EXPECT_EQ(recorded(), 1u);  // CONFIG RESETSTAT itself, timed after it reset
}

INSTANTIATE_TEST_SUITE_P(Shards, EtagFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
