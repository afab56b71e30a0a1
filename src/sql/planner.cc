#include "sql/planner.h"

namespace cairn::sql {

Status Optimize(BoundQuery*) { return Status::OK(); }

}  // namespace cairn::sql
