// KeyTable against a model: std::map from key to what its node must hold (value, type,
// user flags, user byte, expiry words), driven by random operations on two tables, plus
// targeted tests for the scan guarantee, RandomNode, the disposer and memory per key.
#include "engine/ds/key_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace shoal::ds {
namespace {

struct Meta {
  std::string value;
  uint8_t type = 0;
  uint8_t user_flags = 0;  // bits 1..3
  uint32_t access = 0;  // 24 bits
  int64_t mtime = 0;     // 48 bits
  bool has_expiry = false;
  int64_t expire_at = 0;
  int64_t aux = 0;
};
using Model = std::map<std::string, Meta>;

// The disposer is a plain function pointer, so it records into a global.
std::map<std::string, int> g_disposed;
void RecordDispose(KeyNode* node) { ++g_disposed[std::string(node->key())]; }

class KeyTableTest : public ::testing::Test {
 protected:
  void SetUp() override { g_disposed.clear(); }
};

void ExpectNode(const KeyNode* node, const std::string& key, const Meta& m) {
  ASSERT_NE(node, nullptr) << "missing key of size " << key.size();
  EXPECT_EQ(node->key(), key);
  EXPECT_EQ(node->value(), m.value);
  EXPECT_EQ(node->type(), m.type);
  EXPECT_EQ(node->flags(), (m.has_expiry ? 1 : 0) | m.user_flags);
  EXPECT_EQ(node->has_expiry(), m.has_expiry);
  EXPECT_EQ(node->access(), m.access);
  EXPECT_EQ(node->mtime(), m.mtime);
  if (m.has_expiry) {
    EXPECT_EQ(node->expire_at(), m.expire_at);
    EXPECT_EQ(node->aux(), m.aux);
  }
}

void CheckTable(const KeyTable& table, const Model& model) {
  ASSERT_EQ(table.size(), model.size());
  size_t count = 0;
  size_t bytes = 0;
  table.ForEach([&](KeyNode* node) {
    ++count;
    bytes += node->AllocatedSize();
    auto it = model.find(std::string(node->key()));
    ASSERT_NE(it, model.end());
    ExpectNode(node, it->first, it->second);
  });
  EXPECT_EQ(count, model.size());
  EXPECT_EQ(table.MemoryUsage(), bytes + table.bucket_count() * sizeof(KeyNode*));
  // Load factor in (1/8, 1], except at the minimum of 4 buckets.
  EXPECT_LE(table.size(), table.bucket_count());
  if (table.bucket_count() > 4) {
    EXPECT_GE(table.size(), table.bucket_count() / 8);
  }
  for (const auto& [key, meta] : model) ExpectNode(table.Find(key), key, meta);
}

std::string RandomBytes(std::mt19937_64& rng, size_t len) {
  std::string s(len, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Lengths around the varint boundaries (127/128, 16383/16384) come up often.
size_t RandomValueLength(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: return 0;
    case 1: return 120 + rng() % 16;
    case 2: return rng() % 20 == 0 ? 16378 + rng() % 12 : 1 + rng() % 40;
    default: return 1 + rng() % 24;
  }
}

std::vector<std::string> KeyPool(std::mt19937_64& rng, size_t n) {
  std::set<std::string> keys = {"", std::string("\0", 1), std::string("a\0b", 3)};
  keys.insert(std::string(200, 'k'));  // a key with a two-byte length varint
  while (keys.size() < n) {
    std::string k = RandomBytes(rng, rng() % 4 == 0 ? rng() % 3 : 1 + rng() % 20);
    keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

TEST_F(KeyTableTest, RandomOperationsMatchModel) {
  std::mt19937_64 rng(12345);
  const std::vector<std::string> pool = KeyPool(rng, 6000);
  KeyTable tables[2];
  Model models[2];
  std::map<std::string, int> expected_disposed;
  for (KeyTable& t : tables) t.set_disposer(RecordDispose);
  size_t max_buckets = 0, shrinks = 0, last_buckets = 0;

  const int kOps = 200000;
  for (int op = 0; op < kOps; ++op) {
    // Alternate phases that fill the tables and phases that drain them.
    const bool filling = (op / 25000) % 2 == 0;
    const int which = rng() % 5 == 0 ? 1 : 0;
    KeyTable& table = tables[which];
    Model& model = models[which];
    std::string key = pool[rng() % pool.size()];
    if (!filling && !model.empty() && rng() % 8 != 0) {  // draining: mostly present keys
      auto present = model.lower_bound(key);
      key = present != model.end() ? present->first : model.begin()->first;
    }
    KeyNode* node = table.Find(key);
    auto it = model.find(key);
    ASSERT_EQ(node != nullptr, it != model.end());
    const int choice = static_cast<int>(rng() % 100);

    if (node == nullptr) {
      if (choice < (filling ? 80 : 3)) {
        Meta m;
        m.value = RandomBytes(rng, RandomValueLength(rng));
        m.type = rng() % 16;
        m.has_expiry = rng() % 3 == 0;
        if (rng() % 2) {
          node = table.Insert(key, m.type, m.value, m.has_expiry);
        } else {  // uninitialised value, filled by the caller
          node = table.Insert(key, m.type, std::string_view(nullptr, m.value.size()),
                              m.has_expiry);
          if (!m.value.empty()) std::memcpy(node->mutable_value(), m.value.data(), m.value.size());
        }
        EXPECT_EQ(node->access(), 0u);
        EXPECT_EQ(node->mtime(), 0);
        if (m.has_expiry) {
          EXPECT_EQ(node->expire_at(), 0);
          EXPECT_EQ(node->aux(), 0);
          m.expire_at = static_cast<int64_t>(rng());
          m.aux = static_cast<int64_t>(rng());
          node->set_expire_at(m.expire_at);
          node->set_aux(m.aux);
        }
        m.user_flags = rng() & 0xe;
        node->set_user_flags(static_cast<uint8_t>(m.user_flags | 1));  // bit 0 is not the owner's
        m.access = rng() & 0xffffff;
        m.mtime = static_cast<int64_t>(rng() & 0xffffffffffff);
        node->set_access(m.access);
        node->set_mtime(m.mtime);
        model[key] = m;
        ExpectNode(node, key, m);
      }
    } else if (choice < (filling ? 10 : 45)) {
      table.Erase(node);
      model.erase(it);
      ++expected_disposed[key];
      EXPECT_EQ(g_disposed[key], expected_disposed[key]);
    } else if (choice < 60) {
      Meta& m = it->second;
      const bool with_expiry = rng() % 2;
      if (with_expiry && !m.has_expiry) m.expire_at = m.aux = 0;
      m.has_expiry = with_expiry;
      m.type = rng() % 16;
      if (rng() % 4 == 0 && !m.value.empty()) {  // the new value lies inside the node
        const size_t from = rng() % m.value.size();
        const size_t len = rng() % (m.value.size() - from + 1);
        std::string_view inside = node->value().substr(from, len);
        m.value = m.value.substr(from, len);
        node = table.Reset(node, m.type, inside, with_expiry);
      } else {
        m.value = RandomBytes(rng, RandomValueLength(rng));
        node = table.Reset(node, m.type, m.value, with_expiry);
      }
      ExpectNode(node, key, m);
    } else if (choice < 75) {
      Meta& m = it->second;
      const size_t len = RandomValueLength(rng);
      node = table.ResizeValue(node, len);
      const size_t kept = std::min(len, m.value.size());
      ASSERT_EQ(node->value().size(), len);
      EXPECT_EQ(node->value().substr(0, kept), std::string_view(m.value).substr(0, kept));
      m.value.resize(len, 'z');
      std::fill(node->mutable_value() + kept, node->mutable_value() + len, 'z');
      ExpectNode(node, key, m);
    } else if (choice < 85) {
      Meta& m = it->second;
      m.has_expiry = !m.has_expiry;
      node = table.SetHasExpiry(node, m.has_expiry);
      if (m.has_expiry) {
        EXPECT_EQ(node->expire_at(), 0);
        EXPECT_EQ(node->aux(), 0);
        m.expire_at = static_cast<int64_t>(rng());
        m.aux = -static_cast<int64_t>(rng() >> 1);
        node->set_expire_at(m.expire_at);
        node->set_aux(m.aux);
      }
      ExpectNode(node, key, m);
    } else if (choice < 95) {
      // Move the key to the other table, or drop it after detaching.
      KeyTable& other = tables[1 - which];
      Model& other_model = models[1 - which];
      table.Detach(node);
      EXPECT_EQ(table.Find(key), nullptr);
      EXPECT_EQ(g_disposed[key], expected_disposed[key]);
      if (other.Find(key) == nullptr && rng() % 8 != 0) {
        other.Attach(node);
        other_model[key] = it->second;
        EXPECT_EQ(other.Find(key), node);
      } else {
        table.FreeDetached(node);
        ++expected_disposed[key];
        EXPECT_EQ(g_disposed[key], expected_disposed[key]);
      }
      model.erase(it);
    } else {
      Meta& m = it->second;
      m.access = rng() & 0xffffff;
      m.mtime = static_cast<int64_t>(rng() & 0xffffffffffff);
      m.user_flags = rng() & 0xe;
      node->set_access(m.access);
      node->set_mtime(m.mtime);
      node->set_user_flags(m.user_flags);
      ExpectNode(node, key, m);
    }

    if (op % 60000 == 59999) {  // Clear, rarely
      CheckTable(table, model);
      for (const auto& [k, m] : model) ++expected_disposed[k];
      table.Clear();
      model.clear();
      EXPECT_EQ(table.size(), 0u);
      EXPECT_EQ(table.bucket_count(), 0u);
      EXPECT_EQ(table.MemoryUsage(), 0u);
    }
    const size_t buckets = tables[0].bucket_count();
    max_buckets = std::max(max_buckets, buckets);
    if (buckets != 0 && buckets < last_buckets) ++shrinks;
    last_buckets = buckets;
    if (op % 2000 == 0) {
      CheckTable(tables[0], models[0]);
      CheckTable(tables[1], models[1]);
      ASSERT_EQ(g_disposed, expected_disposed);
    }
  }
  CheckTable(tables[0], models[0]);
  CheckTable(tables[1], models[1]);
  EXPECT_GE(max_buckets, 2048u);
  EXPECT_GE(shrinks, 5u);
  // The destructors dispose of what is left.
  for (const Model& model : models) {
    for (const auto& [k, m] : model) ++expected_disposed[k];
  }
  tables[0].~KeyTable();
  tables[1].~KeyTable();
  new (&tables[0]) KeyTable();
  new (&tables[1]) KeyTable();
  EXPECT_EQ(g_disposed, expected_disposed);
}

std::string NumberedKey(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%010d", prefix, i);
  return buf;
}

TEST_F(KeyTableTest, ScanWithoutChangesReturnsEachKeyOnce) {
  KeyTable table;
  EXPECT_EQ(table.Scan(0, 10, [](KeyNode*) { ADD_FAILURE(); }), 0u);
  std::set<std::string> keys;
  for (int i = 0; i < 5000; ++i) {
    keys.insert(NumberedKey("key:", i));
    table.Insert(NumberedKey("key:", i), 0, "v", false);
  }
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    size_t visited = 0;
    uint64_t next = table.Scan(cursor, 7, [&](KeyNode* n) {
      seen.insert(std::string(n->key()));
      ++visited;
    });
    if (next != 0) {
      EXPECT_GE(visited, 7u);
      EXPECT_GT(next, cursor);
      EXPECT_LT(next, uint64_t{1} << 40);
    }
    cursor = next;
    ++calls;
  } while (cursor != 0);
  EXPECT_EQ(seen, std::multiset<std::string>(keys.begin(), keys.end()));
  EXPECT_LE(calls, 5000 / 7 + 1);
}

// Keys present for the whole scan are all returned while other keys come and go between
// calls, growing the table by many doublings and shrinking it again.
TEST_F(KeyTableTest, ScanReturnsStableKeysAcrossResizes) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    KeyTable table;
    std::set<std::string> stable;
    for (int i = 0; i < 300; ++i) {
      stable.insert(NumberedKey("stable:", i));
      table.Insert(NumberedKey("stable:", i), 0, "s", false);
    }
    std::vector<std::string> transient;
    int next_transient = 0;
    std::set<std::string> seen;
    size_t grows = 0, shrinks = 0;
    uint64_t cursor = 0;
    int call = 0;
    do {
      cursor = table.Scan(cursor, 1 + rng() % 3,
                          [&](KeyNode* n) { seen.insert(std::string(n->key())); });
      const size_t before = table.bucket_count();
      // 0..99: grow to ~40k transient keys; 100..199: drain them; then random churn.
      const int step = call < 200 ? 400 : 20;
      for (int j = 0; j < step; ++j) {
        const bool add = call < 100 || (call >= 200 && rng() % 2 == 0);
        if (add) {
          transient.push_back(NumberedKey("t:", next_transient++));
          table.Insert(transient.back(), 1, "t", false);
        } else if (!transient.empty()) {
          const size_t at = rng() % transient.size();
          std::swap(transient[at], transient.back());
          table.Erase(table.Find(transient.back()));
          transient.pop_back();
        }
      }
      if (table.bucket_count() > before) ++grows;
      if (table.bucket_count() < before) ++shrinks;
      ++call;
      ASSERT_LT(call, 1000000);
    } while (cursor != 0);
    for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k << " seed " << seed;
    EXPECT_GE(grows, 5u);
    EXPECT_GE(shrinks, 3u);
  }
}

// What a snapshot relies on (engine/snapshot.h): once a Scan returns cursor c, every key
// present throughout with ScanPosition < c has been visited, and a call visits keys at or
// past its starting cursor only below the cursor it returns, while the table grows and
// shrinks between calls.
TEST_F(KeyTableTest, ScanPositionTellsWhatTheScanHasVisited) {
  std::mt19937_64 rng(7);
  KeyTable table;
  std::vector<std::string> stable;
  for (int i = 0; i < 2000; ++i) {
    stable.push_back(NumberedKey("stable:", i));
    table.Insert(stable.back(), 0, "s", false);
  }
  std::vector<std::string> transient;
  std::set<std::string> seen;
  size_t grows = 0, shrinks = 0;
  uint64_t cursor = 0;
  int call = 0;
  do {
    const uint64_t from = cursor;
    std::vector<uint64_t> positions;
    cursor = table.Scan(cursor, 1 + rng() % 20, [&](KeyNode* n) {
      seen.insert(std::string(n->key()));
      positions.push_back(KeyTable::ScanPosition(n->key()));
    });
    const uint64_t end = cursor == 0 ? KeyTable::kScanEnd : cursor;
    for (uint64_t p : positions) {
      if (p >= from) EXPECT_LT(p, end);
    }
    for (const std::string& k : stable) {
      if (KeyTable::ScanPosition(k) < end) ASSERT_TRUE(seen.count(k)) << k << " call " << call;
    }
    const size_t before = table.bucket_count();
    const int step = call < 30 ? 2000 : call < 60 ? -2000 : 0;
    for (int j = 0; j < std::abs(step); ++j) {
      if (step > 0) {
        transient.push_back(NumberedKey("t:", static_cast<int>(transient.size()) + call * 100000));
        table.Insert(transient.back(), 1, "t", false);
      } else if (!transient.empty()) {
        table.Erase(table.Find(transient.back()));
        transient.pop_back();
      }
    }
    if (table.bucket_count() > before) ++grows;
    if (table.bucket_count() < before) ++shrinks;
    ASSERT_LT(++call, 1000000);
  } while (cursor != 0);
  EXPECT_GE(grows, 3u);
  EXPECT_GE(shrinks, 2u);
}

TEST_F(KeyTableTest, RandomNodeReturnsPresentKeysAndEventuallyEach) {
  KeyTable table;
  EXPECT_EQ(table.RandomNode(42), nullptr);
  std::mt19937_64 rng(7);
  // A large table drained to a few keys: many empty buckets.
  for (int i = 0; i < 1000; ++i) table.Insert(NumberedKey("k", i), 0, "", false);
  for (int i = 5; i < 1000; ++i) table.Erase(table.Find(NumberedKey("k", i)));
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    KeyNode* n = table.RandomNode(rng());
    ASSERT_NE(n, nullptr);
    ASSERT_EQ(table.Find(n->key()), n);
    seen.insert(std::string(n->key()));
  }
  EXPECT_EQ(seen.size(), 5u);
  table.Erase(table.Find(NumberedKey("k", 2)));
  for (int i = 0; i < 500; ++i) EXPECT_NE(table.RandomNode(rng())->key(), NumberedKey("k", 2));
}

TEST_F(KeyTableTest, DisposerRunsOncePerFreedNodeOnly) {
  KeyTable keeper;  // no disposer: takes the detached node
  {
    KeyTable table;
    table.set_disposer(RecordDispose);
    for (int i = 0; i < 100; ++i) table.Insert(NumberedKey("d", i), 2, "12345678", true);
    KeyNode* n = table.Find(NumberedKey("d", 0));
    n = table.Reset(n, 3, std::string(300, 'x'), false);
    n = table.ResizeValue(n, 5);
    n = table.SetHasExpiry(n, true);
    KeyNode* moved = table.Find(NumberedKey("d", 1));
    table.Detach(moved);
    keeper.Attach(moved);
    EXPECT_TRUE(g_disposed.empty());
    table.Erase(table.Find(NumberedKey("d", 2)));
    EXPECT_EQ(g_disposed.size(), 1u);
    EXPECT_EQ(g_disposed[NumberedKey("d", 2)], 1);
  }
  // The destructor disposed of the 98 it still held; d1 left before.
  EXPECT_EQ(g_disposed.size(), 99u);
  EXPECT_EQ(g_disposed.count(NumberedKey("d", 1)), 0u);
  for (const auto& [k, count] : g_disposed) EXPECT_EQ(count, 1) << k;
}

TEST_F(KeyTableTest, DetachedNodeFreedOnce) {
  KeyTable a, b;
  a.set_disposer(RecordDispose);
  b.set_disposer(RecordDispose);
  KeyNode* n = a.Insert("moving", 4, "payload", true);
  n->set_expire_at(99);
  n->set_aux(98);
  n->set_access(0xabcdef);
  n->set_mtime(1795000000000);
  a.Detach(n);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.MemoryUsage(), a.bucket_count() * sizeof(KeyNode*));
  b.Attach(n);
  EXPECT_EQ(b.Find("moving"), n);
  EXPECT_EQ(n->expire_at(), 99);
  EXPECT_EQ(n->aux(), 98);
  EXPECT_EQ(n->access(), 0xabcdefu);
  EXPECT_EQ(n->mtime(), 1795000000000);
  b.Detach(n);
  b.FreeDetached(n);
  EXPECT_EQ(g_disposed["moving"], 1);
  b.Clear();
  a.Clear();
  EXPECT_EQ(g_disposed.size(), 1u);
}

TEST_F(KeyTableTest, MetadataSurvivesResetAndResize) {
  KeyTable table;
  KeyNode* n = table.Insert("meta", 5, "0123456789", true);
  n->set_expire_at(123456789012345);
  n->set_aux(-42);
  n->set_user_flags(0xe);
  n->set_access(0xab1234);
  n->set_mtime(1795000000123);
  auto expect_meta = [&](uint8_t type, bool expiry, int64_t at, int64_t aux) {
    EXPECT_EQ(n->type(), type);
    EXPECT_EQ(n->flags(), 0xe | (expiry ? 1 : 0));
    EXPECT_EQ(n->access(), 0xab1234u);
    EXPECT_EQ(n->mtime(), 1795000000123);
    EXPECT_EQ(n->has_expiry(), expiry);
    if (expiry) {
      EXPECT_EQ(n->expire_at(), at);
      EXPECT_EQ(n->aux(), aux);
    }
    EXPECT_EQ(table.Find("meta"), n);
  };
  n = table.Reset(n, 6, "abcdefghij", true);  // same size: in place
  expect_meta(6, true, 123456789012345, -42);
  EXPECT_EQ(n->value(), "abcdefghij");
  n = table.Reset(n, 7, std::string(1000, 'q'), true);  // grows across a varint boundary
  expect_meta(7, true, 123456789012345, -42);
  n = table.Reset(n, 8, "short", true);
  expect_meta(8, true, 123456789012345, -42);
  EXPECT_EQ(n->value(), "short");
  n = table.ResizeValue(n, 3);
  expect_meta(8, true, 123456789012345, -42);
  EXPECT_EQ(n->value(), "sho");
  n = table.ResizeValue(n, 300);
  expect_meta(8, true, 123456789012345, -42);
  EXPECT_EQ(n->value().substr(0, 3), "sho");
  n = table.Reset(n, 9, "x", false);
  expect_meta(9, false, 0, 0);
  n = table.SetHasExpiry(n, true);  // added words start at 0
  expect_meta(9, true, 0, 0);
  n->set_expire_at(5);
  n = table.SetHasExpiry(n, true);  // no change
  expect_meta(9, true, 5, 0);
  n = table.SetHasExpiry(n, false);
  expect_meta(9, false, 0, 0);
  EXPECT_EQ(n->value(), "x");
  n = table.Reset(n, 15, n->value(), false);  // a value taken from the node itself
  expect_meta(15, false, 0, 0);
  EXPECT_EQ(n->value(), "x");
}

TEST_F(KeyTableTest, BinaryEmptyAndLargeValues) {
  KeyTable table;
  const std::string binary("a\0b\0", 4);
  const std::string other("a\0c\0", 4);
  table.Insert("", 1, "empty key", false);
  table.Insert(binary, 2, std::string("\0\0\0", 3), false);
  EXPECT_EQ(table.Find(other), nullptr);
  EXPECT_EQ(table.Find("a"), nullptr);
  EXPECT_EQ(table.Find("")->value(), "empty key");
  EXPECT_EQ(table.Find(binary)->value(), std::string("\0\0\0", 3));
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + (i >> 9));
  KeyNode* n = table.Insert("big", 0, big, true);
  EXPECT_EQ(n->value(), big);
  EXPECT_GT(table.MemoryUsage(), big.size());
  n = table.ResizeValue(n, 2 << 20);
  EXPECT_EQ(n->value().substr(0, big.size()), big);
  n = table.Reset(n, 0, big, true);
  EXPECT_EQ(n->value(), big);
  n = table.Reset(n, 0, "", false);
  EXPECT_EQ(n->value(), "");
  EXPECT_LT(table.MemoryUsage(), 1000u);
  EXPECT_EQ(table.Find("big"), n);
  table.Erase(n);
  table.Erase(table.Find(""));
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(KeyTableTest, MoveKeepsContents) {
  KeyTable a;
  a.set_disposer(RecordDispose);
  for (int i = 0; i < 50; ++i) a.Insert(NumberedKey("m", i), 0, "v", false);
  KeyTable b(std::move(a));
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.Find(NumberedKey("m", 1)), nullptr);
  EXPECT_EQ(b.size(), 50u);
  KeyTable c;
  c.Insert("gone", 0, "", false);
  c = std::move(b);
  EXPECT_EQ(g_disposed.count("gone"), 0u);  // c had no disposer installed
  EXPECT_EQ(c.size(), 50u);
  EXPECT_NE(c.Find(NumberedKey("m", 49)), nullptr);
  c.Clear();
  EXPECT_EQ(g_disposed.size(), 50u);
}

// The figure the project tracks: 1M keys "key:%010d" with 16-byte values.
TEST_F(KeyTableTest, BytesPerKeyForAMillionKeys) {
  KeyTable table;
  const std::string value(16, 'v');
  for (int i = 0; i < 1000000; ++i) table.Insert(NumberedKey("key:", i), 0, value, false);
  const KeyNode* n = table.Find(NumberedKey("key:", 123456));
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->AllocatedSize(), 48u);
  const double per_key = static_cast<double>(table.MemoryUsage()) / table.size();
  const double buckets_per_key =
      static_cast<double>(table.bucket_count() * sizeof(KeyNode*)) / table.size();
  std::printf("[ bytes    ] node %zu, buckets %zu (%.2f per key), total %.2f per key\n",
              n->AllocatedSize(), table.bucket_count(), buckets_per_key, per_key);
  EXPECT_LT(per_key, 57.0);
}

}  // namespace
}  // namespace shoal::ds
