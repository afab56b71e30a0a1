#include "sql/exec/memory_table.h"

#include "sql/datetime.h"
#include "sql/exec/operators.h"
#include "sql/functions/json_util.h"
#include "sql/lexer.h"

namespace cairn::sql {
namespace {

std::string Compact(std::string_view raw) {
  std::string out;
  if (!JsonCanonical(raw, false, &out)) return std::string(raw);
  return out;
}

bool ConvertValue(std::string_view raw, const Type& type, Value* out, int depth);

bool ConvertRow(std::string_view raw, const Type& type, Value* out, int depth) {
  std::vector<std::pair<std::string_view, std::string_view>> members;
  if (!JsonObjectMembers(raw, &members)) return false;
  const auto& fields = type.fields();
  std::vector<Value> items;
  items.reserve(fields.size());
  for (const RowField& f : fields) items.push_back(Value::Null(*f.type));
  std::string key;
  for (const auto& [k, v] : members) {
    size_t p = 0;
    if (!JsonReadString(k, &p, &key)) return false;
    int index = type.FieldIndex(key);
    if (index < 0) continue;
    if (!ConvertValue(v, *fields[index].type, &items[index], depth + 1)) return false;
  }
  // A struct whose fields are all NULL is NULL, as in store scans (the store keeps leaves only).
  bool all_null = true;
  for (const Value& v : items) all_null &= v.is_null;
  *out = all_null ? Value::Null(type) : Value::Row(type, std::move(items));
  return true;
}

bool ConvertValue(std::string_view raw, const Type& type, Value* out, int depth) {
  if (depth > kMaxJsonDepth) return false;
  JsonKind kind = JsonKindOf(raw);
  if (kind == JsonKind::kNull) {
    *out = Value::Null(type);
    return true;
  }
  switch (type.id()) {
    case TypeId::kRow:
      return ConvertRow(raw, type, out, depth);
    case TypeId::kMap:
      if (kind != JsonKind::kObject) return false;
      *out = Value::StringOf(type, Compact(raw));
      return true;
    case TypeId::kArray: {
      std::vector<std::string_view> elements;
      if (!JsonArrayElements(raw, &elements)) return false;
      std::vector<Value> items(elements.size());
      for (size_t i = 0; i < elements.size(); ++i) {
        if (!ConvertValue(elements[i], type.element(), &items[i], depth + 1)) return false;
      }
      *out = Value::Array(type.element(), std::move(items));
      return true;
    }
    case TypeId::kVarchar:
      if (kind == JsonKind::kObject || kind == JsonKind::kArray) {
        *out = Value::Varchar(Compact(raw));
        return true;
      }
      return JsonToValue(raw, type, out);
    default:
      return JsonToValue(raw, type, out);
  }
}

// Scans a MemoryTable: projects the scan's columns (paths into the top-level columns) and applies
// the pushed-down filter.
class MemoryScanOp : public Operator {
 public:
  MemoryScanOp(const PlanNode& scan, std::shared_ptr<const MemoryTable> table, ExecContext* ctx)
      : scan_(scan), table_(std::move(table)), ctx_(ctx) {}

  Result<bool> Next(Chunk* out) override {
    if (!resolved_) {
      ASSIGN_OR_RETURN(filter_, ResolveScanFilter(scan_.scan_filter, ctx_));
      resolved_ = true;
    }
    if (filter_.empty_result) return false;
    while (next_ < table_->chunks().size()) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      const Chunk& src = table_->chunks()[next_++];
      std::vector<uint32_t> rows;
      RETURN_IF_ERROR(SelectRows(src, &rows));
      if (rows.empty()) continue;
      out->columns.clear();
      out->size = rows.size();
      for (const ScanColumn& c : scan_.scan_columns) {
        const Vector* v = Resolve(src, c.path);
        Vector col(c.type);
        if (v == nullptr) {
          col.Resize(rows.size());
          for (size_t i = 0; i < rows.size(); ++i) col.SetNull(i);
        } else {
          col.Gather(*v, rows);
          // A field of a NULL struct is NULL.
          MaskParents(src, c.path, rows, &col);
        }
        out->columns.push_back(std::move(col));
      }
      return true;
    }
    return false;
  }

 private:
  // The vector of a dotted path into the chunk's top-level columns, or nullptr.
  const Vector* Resolve(const Chunk& src, std::string_view path) const {
    const Type& row = table_->schema().row_type();
    size_t dot = path.find('.');
    int top = row.FieldIndex(path.substr(0, dot));
    if (top < 0) return nullptr;
    const Vector* v = &src.columns[static_cast<size_t>(top)];
    while (dot != std::string_view::npos) {
      path = path.substr(dot + 1);
      dot = path.find('.');
      if (v->type().id() != TypeId::kRow) return nullptr;
      int f = v->type().FieldIndex(path.substr(0, dot));
      if (f < 0) return nullptr;
      v = &v->child(static_cast<size_t>(f));
    }
    return v;
  }

  void MaskParents(const Chunk& src, std::string_view path, const std::vector<uint32_t>& rows,
                   Vector* col) const {
    size_t dot = path.rfind('.');
    while (dot != std::string_view::npos) {
      path = path.substr(0, dot);
      const Vector* parent = Resolve(src, path);
      if (parent) {
        for (size_t i = 0; i < rows.size(); ++i) {
          if (parent->IsNull(rows[i])) col->SetNullAndClear(i);
        }
      }
      dot = path.rfind('.');
    }
  }

  // Values of a leaf path for row r: one for a scalar path, each element's field for a path
  // through `resources`.
  void LeafValues(const Chunk& src, const std::string& path, size_t r,
                  std::vector<std::optional<std::string_view>>* out, bool* is_bool,
                  bool* bool_value) const {
    out->clear();
    size_t dot = path.find('.');
    int top = table_->schema().row_type().FieldIndex(std::string_view(path).substr(0, dot));
    if (top < 0) return;
    const Vector& col = src.columns[static_cast<size_t>(top)];
    if (col.type().id() == TypeId::kArray && dot != std::string::npos) {
      if (col.IsNull(r)) return;
      const Vector& elems = col.child(0);
      int f = elems.type().FieldIndex(std::string_view(path).substr(dot + 1));
      if (f < 0) return;
      const ListEntry& e = col.lists()[r];
      for (uint32_t k = 0; k < e.length; ++k) {
        const Vector& field = elems.child(static_cast<size_t>(f));
        size_t at = e.offset + k;
        if (elems.IsNull(at) || field.IsNull(at)) {
          out->push_back(std::nullopt);
        } else {
          out->push_back(field.strs()[at]);
        }
      }
      return;
    }
    const Vector* v = Resolve(src, path);
    if (v == nullptr) return;
    bool null = v->IsNull(r);
    std::string_view p = path;
    size_t d = p.rfind('.');
    while (!null && d != std::string_view::npos) {
      p = p.substr(0, d);
      const Vector* parent = Resolve(src, p);
      null = parent && parent->IsNull(r);
      d = p.rfind('.');
    }
    if (null) {
      out->push_back(std::nullopt);
    } else if (v->type().id() == TypeId::kBoolean) {
      *is_bool = true;
      *bool_value = v->bools()[r];
      out->push_back(std::string_view());
    } else if (IsStringPhysical(v->type())) {
      out->push_back(v->strs()[r]);
    } else {
      out->push_back(std::string_view());
    }
  }

  Status SelectRows(const Chunk& src, std::vector<uint32_t>* rows) const {
    const ScanFilter& f = filter_;
    int time_col = table_->schema().row_type().FieldIndex("eventtime");
    std::vector<std::optional<std::string_view>> values;
    for (size_t r = 0; r < src.size; ++r) {
      if (time_col >= 0 && (f.min_time_us != INT64_MIN || f.max_time_us != INT64_MAX)) {
        const Vector& t = src.columns[static_cast<size_t>(time_col)];
        if (t.IsNull(r) || t.i64()[r] < f.min_time_us || t.i64()[r] > f.max_time_us) continue;
      }
      bool keep = true;
      for (const ScanFilter::Term& term : f.terms) {
        // A pre-filter only: the Filter above the scan applies it.
        if (term.op == ScanFilter::Term::Op::kMatch) continue;
        bool is_bool = false, bool_value = false;
        LeafValues(src, term.path, r, &values, &is_bool, &bool_value);
        bool any = false;
        using Op = ScanFilter::Term::Op;
        if (term.op == Op::kIsNull) {
          any = values.empty();
          for (const auto& v : values) any |= !v.has_value();
        } else {
          for (const auto& v : values) {
            if (!v) continue;
            switch (term.op) {
              case Op::kEq:
                any |= *v == term.values[0];
                break;
              case Op::kIn:
                for (const auto& x : term.values) any |= *v == x;
                break;
              case Op::kPrefix:
                any |= v->substr(0, term.values[0].size()) == term.values[0];
                break;
              case Op::kIsNotNull:
                any = true;
                break;
              case Op::kBoolEq:
                any |= is_bool && bool_value == term.bool_value;
                break;
              case Op::kIsNull:
              case Op::kMatch:
                break;
            }
          }
        }
        if (!any) {
          keep = false;
          break;
        }
      }
      if (keep) rows->push_back(static_cast<uint32_t>(r));
    }
    return Status::OK();
  }

  const PlanNode& scan_;
  std::shared_ptr<const MemoryTable> table_;
  ExecContext* ctx_;
  bool resolved_ = false;
  ScanFilter filter_;  // the plan's, with IN-subquery values filled in at the first Next()
  size_t next_ = 0;
};

}  // namespace

Result<Value> RecordToRow(std::string_view record, const Type& row_type) {
  Value row;
  if (JsonKindOf(record) != JsonKind::kObject || !ConvertRow(record, row_type, &row, 0)) {
    return Status::InvalidArgument("record does not match the table's schema");
  }
  int raw = row_type.FieldIndex("eventjson");
  if (raw >= 0) {
    size_t b = 0, e = record.size();
    while (b < e &&
           (record[b] == ' ' || record[b] == '\n' || record[b] == '\t' || record[b] == '\r'))
      ++b;
    while (e > b && (record[e - 1] == ' ' || record[e - 1] == '\n' || record[e - 1] == '\t' ||
                     record[e - 1] == '\r'))
      --e;
    row.items[static_cast<size_t>(raw)] = Value::Varchar(std::string(record.substr(b, e - b)));
  }
  return row;
}

MemoryTable::MemoryTable(const TableSchema* schema) : schema_(schema) {}

size_t MemoryTable::row_count() const {
  size_t n = 0;
  for (const Chunk& c : chunks_) n += c.size;
  return n;
}

Chunk& MemoryTable::Tail() {
  if (chunks_.empty() || chunks_.back().size >= kBatchSize) {
    std::vector<Type> types;
    for (const RowField& f : schema_->columns()) types.push_back(*f.type);
    chunks_.push_back(Chunk::Make(types, 0));
  }
  return chunks_.back();
}

void MemoryTable::AddRow(const std::vector<Value>& values) {
  Chunk& c = Tail();
  size_t at = c.size++;
  for (size_t k = 0; k < c.columns.size(); ++k) {
    c.columns[k].Resize(at + 1);
    c.columns[k].SetValue(at, k < values.size() ? values[k] : Value::Null(c.columns[k].type()));
  }
}

Status MemoryTable::AddRecordJson(std::string_view record) {
  auto row = RecordToRow(record, schema_->row_type());
  if (!row.ok()) return row.status().WithPrefix("record " + std::to_string(records_));
  ++records_;
  AddRow(row->items);
  return Status::OK();
}

Status MemoryTable::AddRecordsJson(std::string_view json) {
  std::string_view list = json;
  if (JsonKindOf(json) == JsonKind::kObject) {
    JsonPath path(1);
    path[0].key = "Records";
    if (!JsonFind(json, path, &list)) return Status::InvalidArgument("no Records array");
  }
  std::vector<std::string_view> records;
  if (!JsonArrayElements(list, &records))
    return Status::InvalidArgument("not a JSON array of records");
  for (std::string_view r : records) RETURN_IF_ERROR(AddRecordJson(r));
  return Status::OK();
}

std::optional<TableInfo> MemoryCatalog::Resolve(std::string_view name) const {
  auto it = tables_.find(name);
  if (it == tables_.end()) return std::nullopt;
  return TableInfo{it->first, &it->second->schema()};
}

Result<std::unique_ptr<Operator>> MemoryCatalog::OpenScan(const PlanNode& scan, ExecContext* ctx) {
  auto it = tables_.find(scan.table.id);
  if (it == tables_.end()) return Status::NotFound("no table " + scan.table.id);
  return std::unique_ptr<Operator>(std::make_unique<MemoryScanOp>(scan, it->second, ctx));
}

}  // namespace cairn::sql
