// src/sql/sample_queries.h
//
// The sample queries of spec/lake.md §7 (AWS documentation examples and the public
// aws-samples/cloud-trail-lake-query-samples set, cleaned so each is valid in the dialect), plus
// the two optimisation examples from the same section. Tests parse and bind every one; the fuzz
// test seeds its corpus with them; SearchSampleQueries can serve them.
//
// Table names are placeholders: ct_eds, ct_eds2, ct_eds3 (CloudTrail event stores) and cfg_eds
// (an AWS Config store).
//
// Thread-safety: the returned list is immutable.
#pragma once

#include <string_view>
#include <vector>

namespace cairn::sql {

struct SampleQuery {
  int number;  // 1..20 as numbered in the spec; 21.. for the optimisation examples
  std::string_view title;
  std::string_view sql;
};

const std::vector<SampleQuery>& SampleQueries();

}  // namespace cairn::sql
