// ListObject: the value of a list key: a ds::Quicklist (engine/ds/quicklist.h) plus the
// encoding name Redis 7.2 would report for it.
//
// Redis keeps a small list as one listpack and converts it to a quicklist when a write
// would take it past list-max-listpack-size (listTypeTryConversionAppend: the listpack's
// bytes plus the raw lengths of the values about to be added, and its length plus their
// number), and back to a listpack when a removal leaves a quicklist of one node within half
// of the limit (listTypeTryConvertQuicklist, halved so that a list on the edge does not
// flip at every write). Shoal stores both forms the same way, as a quicklist, whose nodes
// follow the same limit; only the name changes, at the points where Redis converts, so
// OBJECT ENCODING answers as Redis does.
//
// The fill (list-max-listpack-size) is read by the caller from the config and passed with
// each write. An empty list is never stored: the family deletes the key when its last
// element goes.
//
// Thread: owned by one key node, used only on its shard's thread (engine/object.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/ds/quicklist.h"
#include "engine/object.h"

namespace shoal::engine {

class ListObject final : public Object {
 public:
  ObjType type() const override { return ObjType::kList; }
  std::string_view encoding() const override { return listpack_ ? "listpack" : "quicklist"; }
  size_t MemoryUsage() const override {
    return sizeof(*this) - sizeof(items_) + items_.MemoryUsage();
  }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<ListObject>(*this); }

  bool is_listpack() const { return listpack_; }
  size_t size() const { return items_.size(); }
  ds::Quicklist& items() { return items_; }
  const ds::Quicklist& items() const { return items_; }

  // Before adding `add_count` values of `add_bytes` raw bytes in all (Redis's
  // listTypeTryConversionAppend): becomes a quicklist when the listpack would pass the limit.
  void PrepareGrow(size_t add_bytes, size_t add_count, int fill);
  // After removing elements (Redis's listTypeTryConversion with LIST_CONV_SHRINKING):
  // becomes a listpack again when one node within half the limit remains.
  void AfterShrink(int fill);

 private:
  ds::Quicklist items_;
  bool listpack_ = true;
};

}  // namespace shoal::engine
