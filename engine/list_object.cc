#include "engine/list_object.h"

namespace shoal::engine {

void ListObject::PrepareGrow(size_t add_bytes, size_t add_count, int fill) {
  if (!listpack_) return;
  if (ds::Quicklist::ExceedsLimit(fill, items_.listpack_bytes() + add_bytes,
                                  items_.size() + add_count)) {
    listpack_ = false;
  }
}

void ListObject::AfterShrink(int fill) {
  if (listpack_ || items_.node_count() != 1) return;
  ds::Quicklist::Limit limit = ds::Quicklist::NodeLimit(fill);
  if (items_.front_node_bytes() > limit.bytes / 2 || items_.size() > limit.count / 2) return;
  listpack_ = true;
}

}  // namespace shoal::engine
