#include "alloc/allocate.h"
namespace tandem::alloc {
Result<void> validate(const ClusterView&) { return success(); }
Assignment allocate(const ClusterView&, const Tunables&, const Assignment&) { return {}; }
}  // namespace tandem::alloc
