#include "sql/logical_plan.h"

namespace cairn::sql {
namespace {

const char* KindName(PlanKind k) {
  switch (k) {
    case PlanKind::kScan:
      return "Scan";
    case PlanKind::kValues:
      return "Values";
    case PlanKind::kSingleRow:
      return "SingleRow";
    case PlanKind::kFilter:
      return "Filter";
    case PlanKind::kProject:
      return "Project";
    case PlanKind::kAggregate:
      return "Aggregate";
    case PlanKind::kDistinct:
      return "Distinct";
    case PlanKind::kSort:
      return "Sort";
    case PlanKind::kLimit:
      return "Limit";
    case PlanKind::kJoin:
      return "Join";
    case PlanKind::kSetOp:
      return "SetOp";
    case PlanKind::kUnnest:
      return "Unnest";
    case PlanKind::kWindow:
      return "Window";
  }
  return "?";
}

std::string Exprs(const std::vector<BoundExprPtr>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    out += list[i]->ToString();
  }
  return out;
}

std::string Keys(const std::vector<SortKey>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += "#" + std::to_string(keys[i].column) + (keys[i].descending ? " DESC" : " ASC");
    if (keys[i].nulls_first) out += " NULLS FIRST";
  }
  return out;
}

}  // namespace

std::vector<Type> PlanNode::Types() const {
  std::vector<Type> out;
  out.reserve(columns.size());
  for (const PlanColumn& c : columns) out.push_back(c.type);
  return out;
}

std::string PlanNode::ToString(int indent) const {
  std::string out(indent * 2, ' ');
  out += KindName(kind);
  switch (kind) {
    case PlanKind::kScan: {
      out += " " + table.id + " [";
      for (size_t i = 0; i < scan_columns.size(); ++i) {
        if (i) out += ", ";
        out += scan_columns[i].path;
      }
      out += "]";
      if (scan_filter.min_time_us != INT64_MIN || scan_filter.max_time_us != INT64_MAX) {
        out += " time=[" + std::to_string(scan_filter.min_time_us) + ", " +
               std::to_string(scan_filter.max_time_us) + "]";
      }
      for (const auto& t : scan_filter.terms) {
        out += " " + t.path + ":" + std::to_string(static_cast<int>(t.op));
        for (const auto& v : t.values) out += "'" + v + "'";
        if (t.match) out += "{" + t.match->ToString() + "}";
        if (t.subquery >= 0) out += "<subquery " + std::to_string(t.subquery) + ">";
      }
      if (scan_filter.empty_result) out += " EMPTY";
      break;
    }
    case PlanKind::kFilter:
      out += " " + predicate->ToString();
      break;
    case PlanKind::kProject:
      out += " " + Exprs(exprs);
      break;
    case PlanKind::kAggregate: {
      out += " groups=[" + Exprs(groups) + "] aggs=[";
      for (size_t i = 0; i < aggregates.size(); ++i) {
        if (i) out += ", ";
        out += aggregates[i].function.name + (aggregates[i].distinct ? "(DISTINCT " : "(") +
               Exprs(aggregates[i].args) + ")";
      }
      out += "]";
      break;
    }
    case PlanKind::kSort:
      out += " " + Keys(sort_keys);
      break;
    case PlanKind::kLimit:
      out += " offset=" + std::to_string(offset);
      if (limit) out += " limit=" + std::to_string(*limit);
      break;
    case PlanKind::kJoin:
      out += std::string(" ") + ast::JoinTypeText(join_type);
      if (condition) out += " ON " + condition->ToString();
      break;
    case PlanKind::kSetOp:
      out += std::string(" ") + ast::SetOpText(set_op) + (all ? " ALL" : "");
      break;
    case PlanKind::kUnnest:
      out += " " + Exprs(unnest_exprs) + (with_ordinality ? " WITH ORDINALITY" : "") +
             (outer ? " OUTER" : "");
      break;
    case PlanKind::kWindow:
      out += " " + std::to_string(windows.size()) + " calls";
      break;
    case PlanKind::kValues:
      out += " " + std::to_string(rows.size()) + " rows";
      break;
    default:
      break;
  }
  out += " -> (";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += columns[i].name + " " + columns[i].type.ToString();
  }
  out += ")\n";
  for (const auto& c : children) out += c->ToString(indent + 1);
  return out;
}

}  // namespace cairn::sql
