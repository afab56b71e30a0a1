#include "sql/catalog.h"

#include "sql/lexer.h"

namespace cairn::sql {
namespace {

using Fields = std::vector<std::pair<std::string, Type>>;

Type S() { return Type::Varchar(); }
Type M() { return Type::Map(Type::Varchar(), Type::Varchar()); }
Type Ts() { return Type::Timestamp(); }
Type B() { return Type::Boolean(); }
Type R(Fields f) { return Type::Row(std::move(f)); }

Type CloudTrailRow() {
  Type session_issuer =
      R({{"type", S()}, {"principalid", S()}, {"arn", S()}, {"accountid", S()}, {"username", S()}});
  Type session_context =
      R({{"attributes", R({{"creationdate", Ts()}, {"mfaauthenticated", S()}})},
         {"sessionissuer", session_issuer},
         {"webidfederationdata", R({{"federatedprovider", S()}, {"attributes", M()}})},
         {"sourceidentity", S()},
         {"ec2roledelivery", S()},
         {"ec2issuedinvpc", S()}});
  Type user_identity = R({{"type", S()},
                          {"principalid", S()},
                          {"arn", S()},
                          {"accountid", S()},
                          {"accesskeyid", S()},
                          {"username", S()},
                          {"sessioncontext", session_context},
                          {"invokedby", S()},
                          {"identityprovider", S()},
                          {"onbehalfof", R({{"userid", S()}, {"identitystorearn", S()}})},
                          {"inscopeof", R({{"sourcearn", S()},
                                           {"sourceaccount", S()},
                                           {"issuertype", S()},
                                           {"credentialsissuedto", S()}})}});
  Type resource = R({{"accountid", S()}, {"type", S()}, {"arn", S()}, {"arnprefix", S()}});
  return R({{"eventversion", S()},
            {"useridentity", user_identity},
            {"eventtime", Ts()},
            {"eventsource", S()},
            {"eventname", S()},
            {"awsregion", S()},
            {"sourceipaddress", S()},
            {"useragent", S()},
            {"errorcode", S()},
            {"errormessage", S()},
            {"requestparameters", M()},
            {"responseelements", M()},
            {"additionaleventdata", M()},
            {"requestid", S()},
            {"eventid", S()},
            {"readonly", B()},
            {"resources", Type::Array(resource)},
            {"eventtype", S()},
            {"apiversion", S()},
            {"managementevent", B()},
            {"recipientaccountid", S()},
            {"sharedeventid", S()},
            {"annotation", S()},
            {"vpcendpointid", S()},
            {"vpcendpointaccountid", S()},
            {"serviceeventdetails", M()},
            {"addendum", M()},
            {"edgedevicedetails", M()},
            {"insightdetails", M()},
            {"eventcategory", S()},
            {"tlsdetails",
             R({{"tlsversion", S()}, {"ciphersuite", S()}, {"clientprovidedhostheader", S()}})},
            {"sessioncredentialfromconsole", S()},
            {"eventjson", S()},
            {"eventjsonchecksum", S()}});
}

Fields Envelope() {
  return {{"eventversion", S()},      {"eventcategory", S()}, {"eventtype", S()},
          {"eventid", S()},           {"eventtime", Ts()},    {"awsregion", S()},
          {"recipientaccountid", S()}};
}

// Every family also exposes the raw record, as the CloudTrail family does: spec sample 18 reads
// eventJson from a Config store (cairn's choice; §6.2-6.5 do not list it).
Type WithRaw(Fields f) {
  f.emplace_back("eventjson", S());
  f.emplace_back("eventjsonchecksum", S());
  return R(std::move(f));
}

Type ConfigRow() {
  Fields f = Envelope();
  f.emplace_back("addendum", M());
  f.emplace_back(
      "eventdata",
      R({{"configurationitemversion", S()},
         {"configurationitemcapturetime", S()},
         {"configurationitemstatus", S()},
         {"configurationitemstateid", S()},
         {"accountid", S()},
         {"resourcetype", S()},
         {"resourceid", S()},
         {"resourcename", S()},
         {"arn", S()},
         {"awsregion", S()},
         {"availabilityzone", S()},
         {"resourcecreationtime", S()},
         {"configuration", M()},
         {"supplementaryconfiguration", M()},
         {"relatedevents", S()},
         {"relationships",
          R({{"name", S()}, {"resourcetype", S()}, {"resourceid", S()}, {"resourcename", S()}})},
         {"tags", M()}}));
  return WithRaw(std::move(f));
}

Type EvidenceRow() {
  Fields f = Envelope();
  f.emplace_back("addendum", M());
  Fields d = {{"attributes", M()}};
  for (const char* name :
       {"awsaccountid", "awsorganization", "compliancecheck", "datasource", "eventname",
        "eventsource", "evidenceawsaccountid", "evidencebytype", "iamid", "evidenceid"}) {
    d.emplace_back(name, S());
  }
  d.emplace_back("time", Ts());
  for (const char* name :
       {"assessmentid", "controlsetid", "controlid", "controlname", "controldomainname",
        "frameworkname", "frameworkid", "service", "servicecategory", "resourcearn", "resourcetype",
        "evidencefolderid", "description", "manualevidences3resourcepath", "evidencefoldername",
        "resourcecompliancecheck"}) {
    d.emplace_back(name, S());
  }
  f.emplace_back("eventdata", R(std::move(d)));
  return WithRaw(std::move(f));
}

Type ActivityLogRow() {
  Fields f = Envelope();
  f.emplace_back(
      "addendum",
      R({{"reason", S()}, {"updatedfields", S()}, {"originaluid", S()}, {"originaleventid", S()}}));
  f.emplace_back("metadata", R({{"ingestiontime", S()}, {"channelarn", S()}}));
  f.emplace_back("eventdata",
                 R({{"version", S()},
                    {"useridentity", R({{"type", S()}, {"principalid", S()}, {"details", M()}})},
                    {"useragent", S()},
                    {"eventsource", S()},
                    {"eventname", S()},
                    {"eventtime", S()},
                    {"uid", S()},
                    {"requestparameters", M()},
                    {"responseelements", M()},
                    {"errorcode", S()},
                    {"errormessage", S()},
                    {"sourceipaddress", S()},
                    {"recipientaccountid", S()},
                    {"additionaleventdata", M()}}));
  return WithRaw(std::move(f));
}

// cairn's reading of spec/lake.md §6.5 and spec/insights.md §4.2 (the Lake does not publish the
// Insights column types).
Type InsightRow() {
  Fields f = Envelope();
  f.emplace_back("sharedeventid", S());
  f.emplace_back("addendum", M());
  f.emplace_back("insightsource", S());
  f.emplace_back("insightstate", S());
  f.emplace_back("insighttype", S());
  Type value_average = Type::Array(R({{"value", S()}, {"average", Type::Double()}}));
  f.emplace_back(
      "insightcontext",
      R({{"statistics", R({{"baseline", R({{"average", Type::Double()}})},
                           {"insight", R({{"average", Type::Double()}})},
                           {"insightduration", Type::Bigint()},
                           {"baselineduration", Type::Bigint()}})},
         {"attributions",
          Type::Array(
              R({{"attribute", S()}, {"insight", value_average}, {"baseline", value_average}}))}}));
  return WithRaw(std::move(f));
}

void CollectLeaves(const Type& t, const std::string& prefix,
                   std::vector<std::pair<std::string, Type>>* out) {
  for (const RowField& f : t.fields()) {
    std::string path = prefix.empty() ? f.name : prefix + "." + f.name;
    const Type& ft = *f.type;
    if (ft.id() == TypeId::kRow) {
      CollectLeaves(ft, path, out);
    } else if (ft.id() == TypeId::kArray && ft.element().id() == TypeId::kRow) {
      CollectLeaves(ft.element(), path, out);
    } else {
      out->emplace_back(path, ft);
    }
  }
}

}  // namespace

TableSchema::TableSchema(TableFamily family, std::string_view name, Type row_type)
    : family_(family), name_(name), row_type_(std::move(row_type)) {}

std::optional<ColumnId> TableSchema::StoreColumn(std::string_view path) const {
  if (family_ != TableFamily::kCloudTrail) return std::nullopt;
  const ColumnDef* def = FindColumn(path);
  if (def == nullptr || !def->lake) return std::nullopt;
  return def->id;
}

std::vector<std::pair<std::string, Type>> LeafPaths(const Type& row_type) {
  std::vector<std::pair<std::string, Type>> out;
  CollectLeaves(row_type, "", &out);
  return out;
}

const TableSchema& CloudTrailSchema() {
  static const TableSchema* const s =
      new TableSchema(TableFamily::kCloudTrail, "cloudtrail", CloudTrailRow());
  return *s;
}
const TableSchema& ConfigSchema() {
  static const TableSchema* const s = new TableSchema(TableFamily::kConfig, "config", ConfigRow());
  return *s;
}
const TableSchema& EvidenceSchema() {
  static const TableSchema* const s =
      new TableSchema(TableFamily::kEvidence, "evidence", EvidenceRow());
  return *s;
}
const TableSchema& ActivityLogSchema() {
  static const TableSchema* const s =
      new TableSchema(TableFamily::kActivityLog, "activitylog", ActivityLogRow());
  return *s;
}
const TableSchema& InsightSchema() {
  static const TableSchema* const s =
      new TableSchema(TableFamily::kInsight, "insight", InsightRow());
  return *s;
}

const TableSchema& SchemaFor(TableFamily family) {
  switch (family) {
    case TableFamily::kCloudTrail:
      return CloudTrailSchema();
    case TableFamily::kConfig:
      return ConfigSchema();
    case TableFamily::kEvidence:
      return EvidenceSchema();
    case TableFamily::kActivityLog:
      return ActivityLogSchema();
    case TableFamily::kInsight:
      return InsightSchema();
  }
  return CloudTrailSchema();
}

}  // namespace cairn::sql
