// Window functions (OVER). The binder and planner support them; the executor does not run them
// yet, so a query that needs them fails cleanly.
#include "sql/exec/operators.h"

namespace cairn::sql {

Result<OperatorPtr> MakeWindow(const PlanNode&, OperatorPtr, ExecContext*) {
  return Status::Unimplemented("window functions (OVER) are not supported by the executor yet");
}

}  // namespace cairn::sql
