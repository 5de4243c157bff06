// TimingWheel: a hierarchical timing wheel with millisecond resolution, for key expiry and
// blocking-command timeouts on one shard.
//
// Four levels of 256 slots cover 1 ms, 256 ms, 65.536 s and about 4.66 h per slot. An item
// with deadline d sits on the lowest level L at which d and the wheel's current time t
// share the same 256^(L+1)-ms block, in slot (d >> 8L) & 255; items whose deadline lies in
// a later 2^32-ms block (about 49.7 days) wait in an overflow min-heap. Items are never
// stored with a deadline <= t: those wait in a "due" list that the next Advance fires
// first. Invariants that follow:
//   - every occupied slot of a level is after the current time's slot on that level, so the
//     first occupied slot (a bitmap scan over 4 words) is that level's earliest;
//   - every item on level L is earlier than every item on level L+1 and in the overflow, so
//     the lowest non-empty level holds the earliest item;
//   - a level-0 slot holds items of a single deadline.
// Advance jumps the clock from one occupied slot's start to the next (never stepping
// through empty milliseconds): at a level-0 slot its items fire; at a higher slot (or an
// overflow block) the items are placed again relative to the slot's start and so move to
// lower levels. The cost of an Advance is O(items fired + items cascaded * levels), however
// far the clock jumps; Add is O(1) (O(log n) for the overflow).
//
// Items fire in non-decreasing deadline order within one Advance. An item that `fire`
// adds during Advance is held back and placed when Advance returns: it never fires in the
// same call, even when its deadline is <= now (it fires at the next Advance). A callback
// that re-arms itself for "now" therefore cannot loop forever.
//
// Times are int64 milliseconds and must be >= 0 (the clock starts at the constructor's
// time and never goes back: an Advance to an earlier time only fires what is due).
// Not thread-safe: a wheel belongs to one shard thread. The wheel owns its items until it
// moves each one into `fire`.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace shoal::ds {

template <typename T>
class TimingWheel {
 public:
  explicit TimingWheel(int64_t now_ms) : now_(now_ms), levels_(kLevels) { assert(now_ms >= 0); }

  TimingWheel(const TimingWheel&) = delete;
  TimingWheel& operator=(const TimingWheel&) = delete;
  TimingWheel(TimingWheel&&) noexcept = default;
  TimingWheel& operator=(TimingWheel&&) noexcept = default;

  // Schedules `item` for `deadline_ms`. A deadline <= current_ms() fires at the next
  // Advance. Called from inside Advance's `fire`, the item is placed when Advance returns.
  void Add(int64_t deadline_ms, T item) {
    ++size_;
    if (advancing_) {
      deferred_.emplace_back(deadline_ms, std::move(item));
    } else {
      Insert(Entry(deadline_ms, std::move(item)));
    }
  }

  // Moves the clock to now_ms (when later than current_ms()) and calls
  // fire(T&&, int64_t deadline) for every item whose deadline <= now_ms, in non-decreasing
  // deadline order; returns how many fired. `fire` may call Add, size and NextDeadline,
  // but not Advance, and must not throw.
  template <typename Fn>
  size_t Advance(int64_t now_ms, Fn&& fire) {
    assert(!advancing_ && "Advance is not reentrant");
    if (now_ms < now_) now_ms = now_;
    advancing_ = true;
    size_t fired = 0;
    auto fire_one = [&](Entry& e) {
      --size_;
      firing_floor_ = e.first;
      fire(std::move(e.second), e.first);
      ++fired;
    };

    if (!due_.empty()) {
      std::vector<Entry> batch;
      batch.swap(due_);
      due_min_ = kNever;
      std::stable_sort(batch.begin(), batch.end(),
                       [](const Entry& a, const Entry& b) { return a.first < b.first; });
      for (Entry& e : batch) fire_one(e);
    }

    std::vector<Entry> batch;
    for (;;) {
      int level, slot;
      const bool in_wheel = FindEarliest(&level, &slot);
      int64_t start;
      if (in_wheel) {
        start = SlotStart(level, slot);
      } else if (!overflow_.empty()) {
        start = BlockStart(overflow_.front().first);
      } else {
        break;
      }
      if (start > now_ms) break;
      now_ = start;
      if (in_wheel) {
        batch.swap(levels_[level].slots[slot]);
        levels_[level].occupied[slot >> 6] &= ~(uint64_t{1} << (slot & 63));
      } else {
        while (!overflow_.empty() && BlockStart(overflow_.front().first) == start) {
          std::pop_heap(overflow_.begin(), overflow_.end(), Later);
          batch.push_back(std::move(overflow_.back()));
          overflow_.pop_back();
        }
      }
      // Items due exactly at the slot's start are the earliest pending: fire them. The
      // rest fall to lower levels relative to the new time.
      size_t ready = 0;
      for (size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].first == now_) {
          if (ready != i) batch[ready] = std::move(batch[i]);
          ++ready;
        } else {
          Place(std::move(batch[i]));
        }
      }
      batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(ready), batch.end());
      for (Entry& e : batch) fire_one(e);
      batch.clear();
      // Hand the buffer back to the slot (it is still empty: nothing is placed at or
      // above the level being drained), so busy slots keep their capacity.
      if (in_wheel && batch.capacity() <= kKeptCapacity) {
        batch.swap(levels_[level].slots[slot]);
      }
    }
    now_ = now_ms;
    advancing_ = false;
    firing_floor_ = kNever;

    std::vector<Entry> deferred;
    deferred.swap(deferred_);
    for (Entry& e : deferred) Insert(std::move(e));
    return fired;
  }

  // Drops every item for which stale(const T&, int64_t deadline) is true, and gives the
  // memory of emptied slots back; returns how many went. O(size). Not during Advance.
  template <typename Pred>
  size_t RemoveIf(Pred&& stale) {
    assert(!advancing_);
    auto is_stale = [&](const Entry& e) { return stale(e.second, e.first); };
    auto sweep = [&](std::vector<Entry>& v) {
      const size_t before = v.size();
      v.erase(std::remove_if(v.begin(), v.end(), is_stale), v.end());
      if (v.empty()) {
        std::vector<Entry>().swap(v);
      } else if (v.capacity() > 2 * v.size() + 16) {
        v.shrink_to_fit();
      }
      return before - v.size();
    };
    size_t removed = 0;
    for (Level& level : levels_) {
      for (int slot = 0; slot < kSlots; ++slot) {
        std::vector<Entry>& v = level.slots[slot];
        if (v.empty()) continue;
        removed += sweep(v);
        if (v.empty()) level.occupied[slot >> 6] &= ~(uint64_t{1} << (slot & 63));
      }
    }
    removed += sweep(due_);
    due_min_ = kNever;
    for (const Entry& e : due_) due_min_ = std::min(due_min_, e.first);
    const size_t overflow_removed = sweep(overflow_);
    if (overflow_removed != 0) std::make_heap(overflow_.begin(), overflow_.end(), Later);
    removed += overflow_removed;
    size_ -= removed;
    return removed;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t current_ms() const { return now_; }

  // Earliest pending deadline, or INT64_MAX when empty. Exact for items within 256 ms of
  // the current time, in the overflow, or already due; otherwise the start of the item's
  // slot, an under-estimate, never later than the true earliest. O(levels).
  int64_t NextDeadline() const {
    int64_t best = kNever;
    if (!due_.empty()) {
      best = due_min_;
    } else {
      int level, slot;
      if (FindEarliest(&level, &slot)) {
        best = SlotStart(level, slot);
      } else if (!overflow_.empty()) {
        best = overflow_.front().first;
      }
    }
    if (advancing_) {
      best = std::min(best, firing_floor_);
      for (const Entry& e : deferred_) best = std::min(best, e.first);
    }
    return best;
  }

 private:
  using Entry = std::pair<int64_t, T>;
  static constexpr int kLevels = 4;
  static constexpr int kSlotBits = 8;
  static constexpr int kSlots = 1 << kSlotBits;
  static constexpr int kWheelBits = kLevels * kSlotBits;  // 32: beyond is the overflow
  static constexpr size_t kKeptCapacity = 1024;
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  struct Level {
    std::vector<Entry> slots[kSlots];
    uint64_t occupied[kSlots / 64] = {};
  };

  static bool Later(const Entry& a, const Entry& b) { return a.first > b.first; }

  static int64_t BlockStart(int64_t deadline) {
    return static_cast<int64_t>(static_cast<uint64_t>(deadline) >> kWheelBits << kWheelBits);
  }

  // Start of `slot` on `level` within the current time's block of that level.
  int64_t SlotStart(int level, int slot) const {
    const int span = kSlotBits * (level + 1);
    const uint64_t block = static_cast<uint64_t>(now_) >> span << span;
    return static_cast<int64_t>(block | (static_cast<uint64_t>(slot) << (kSlotBits * level)));
  }

  // The lowest non-empty level and its first occupied slot; false when the wheel is empty.
  bool FindEarliest(int* level, int* slot) const {
    for (int l = 0; l < kLevels; ++l) {
      for (int w = 0; w < kSlots / 64; ++w) {
        const uint64_t bits = levels_[l].occupied[w];
        if (bits != 0) {
          *level = l;
          *slot = w * 64 + std::countr_zero(bits);
          return true;
        }
      }
    }
    return false;
  }

  void Insert(Entry&& e) {
    if (e.first <= now_) {
      due_min_ = std::min(due_min_, e.first);
      due_.push_back(std::move(e));
    } else {
      Place(std::move(e));
    }
  }

  // Requires e.first > now_ >= 0.
  void Place(Entry&& e) {
    const uint64_t diff = static_cast<uint64_t>(e.first) ^ static_cast<uint64_t>(now_);
    if ((diff >> kWheelBits) != 0) {
      overflow_.push_back(std::move(e));
      std::push_heap(overflow_.begin(), overflow_.end(), Later);
      return;
    }
    const int level = (63 - std::countl_zero(diff)) / kSlotBits;
    const int slot = static_cast<int>((static_cast<uint64_t>(e.first) >> (kSlotBits * level)) &
                                      (kSlots - 1));
    levels_[level].slots[slot].push_back(std::move(e));
    levels_[level].occupied[slot >> 6] |= uint64_t{1} << (slot & 63);
  }

  int64_t now_;
  size_t size_ = 0;
  std::vector<Level> levels_;
  std::vector<Entry> due_;        // deadline <= now_: fire first at the next Advance
  int64_t due_min_ = kNever;      // earliest deadline in due_
  std::vector<Entry> overflow_;   // min-heap on deadline: beyond the current 2^32-ms block
  std::vector<Entry> deferred_;   // added by fire during Advance, placed when it returns
  bool advancing_ = false;
  int64_t firing_floor_ = kNever;  // during Advance: deadline of the latest fired item
};

}  // namespace shoal::ds
