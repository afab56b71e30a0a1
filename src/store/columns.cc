#include "store/columns.h"

#include <array>
#include <string>

namespace cairn {
namespace {

using T = ColumnType;
using C = ColumnId;

// name, type, list_child, lake, low_cardinality, needle, stored
constexpr ColumnDef kColumns[kColumnCount] = {
    {C::kEventVersion, "eventversion", T::kString, false, true, true, false, true},
    {C::kUserIdentityType, "useridentity.type", T::kString, false, true, true, false, true},
    {C::kUserIdentityPrincipalId, "useridentity.principalid", T::kString, false, true, false, false,
     true},
    {C::kUserIdentityArn, "useridentity.arn", T::kString, false, true, true, false, true},
    {C::kUserIdentityAccountId, "useridentity.accountid", T::kString, false, true, true, false,
     true},
    {C::kUserIdentityAccessKeyId, "useridentity.accesskeyid", T::kString, false, true, false, true,
     true},
    {C::kUserIdentityUserName, "useridentity.username", T::kString, false, true, true, false, true},
    {C::kUserIdentityInvokedBy, "useridentity.invokedby", T::kString, false, true, true, false,
     true},
    {C::kUserIdentityIdentityProvider, "useridentity.identityprovider", T::kString, false, true,
     true, false, true},
    {C::kUserIdentityCredentialId, "useridentity.credentialid", T::kString, false, false, false,
     false, true},
    {C::kSessionCreationDate, "useridentity.sessioncontext.attributes.creationdate", T::kTimestamp,
     false, true, false, false, true},
    {C::kSessionMfaAuthenticated, "useridentity.sessioncontext.attributes.mfaauthenticated",
     T::kString, false, true, true, false, true},
    {C::kSessionIssuerType, "useridentity.sessioncontext.sessionissuer.type", T::kString, false,
     true, true, false, true},
    {C::kSessionIssuerPrincipalId, "useridentity.sessioncontext.sessionissuer.principalid",
     T::kString, false, true, true, false, true},
    {C::kSessionIssuerArn, "useridentity.sessioncontext.sessionissuer.arn", T::kString, false, true,
     true, false, true},
    {C::kSessionIssuerAccountId, "useridentity.sessioncontext.sessionissuer.accountid", T::kString,
     false, true, true, false, true},
    {C::kSessionIssuerUserName, "useridentity.sessioncontext.sessionissuer.username", T::kString,
     false, true, true, false, true},
    {C::kWebIdFederatedProvider,
     "useridentity.sessioncontext.webidfederationdata.federatedprovider", T::kString, false, true,
     true, false, true},
    {C::kWebIdAttributes, "useridentity.sessioncontext.webidfederationdata.attributes", T::kMap,
     false, true, false, false, true},
    {C::kSessionSourceIdentity, "useridentity.sessioncontext.sourceidentity", T::kString, false,
     true, true, false, true},
    {C::kSessionEc2RoleDelivery, "useridentity.sessioncontext.ec2roledelivery", T::kString, false,
     true, true, false, true},
    {C::kSessionEc2IssuedInVpc, "useridentity.sessioncontext.ec2issuedinvpc", T::kString, false,
     true, true, false, true},
    {C::kOnBehalfOfUserId, "useridentity.onbehalfof.userid", T::kString, false, true, true, false,
     true},
    {C::kOnBehalfOfIdentityStoreArn, "useridentity.onbehalfof.identitystorearn", T::kString, false,
     true, true, false, true},
    {C::kInScopeOfSourceArn, "useridentity.inscopeof.sourcearn", T::kString, false, true, true,
     false, true},
    {C::kInScopeOfSourceAccount, "useridentity.inscopeof.sourceaccount", T::kString, false, true,
     true, false, true},
    {C::kInScopeOfIssuerType, "useridentity.inscopeof.issuertype", T::kString, false, true, true,
     false, true},
    {C::kInScopeOfCredentialsIssuedTo, "useridentity.inscopeof.credentialsissuedto", T::kString,
     false, true, true, false, true},
    {C::kEventTime, "eventtime", T::kTimestamp, false, true, false, false, true},
    {C::kEventSource, "eventsource", T::kString, false, true, true, false, true},
    {C::kEventName, "eventname", T::kString, false, true, true, false, true},
    {C::kAwsRegion, "awsregion", T::kString, false, true, true, false, true},
    {C::kSourceIpAddress, "sourceipaddress", T::kString, false, true, false, true, true},
    {C::kUserAgent, "useragent", T::kString, false, true, true, false, true},
    {C::kErrorCode, "errorcode", T::kString, false, true, true, false, true},
    {C::kErrorMessage, "errormessage", T::kString, false, true, false, false, true},
    {C::kRequestParameters, "requestparameters", T::kMap, false, true, false, false, true},
    {C::kResponseElements, "responseelements", T::kMap, false, true, false, false, true},
    {C::kAdditionalEventData, "additionaleventdata", T::kMap, false, true, false, false, true},
    {C::kRequestId, "requestid", T::kString, false, true, false, false, true},
    {C::kEventId, "eventid", T::kString, false, true, false, true, true},
    {C::kReadOnly, "readonly", T::kBool, false, true, true, false, true},
    {C::kResourcesArn, "resources.arn", T::kString, true, true, false, true, true},
    {C::kResourcesAccountId, "resources.accountid", T::kString, true, true, true, false, true},
    {C::kResourcesType, "resources.type", T::kString, true, true, true, true, true},
    {C::kEventType, "eventtype", T::kString, false, true, true, false, true},
    {C::kApiVersion, "apiversion", T::kString, false, true, true, false, true},
    {C::kManagementEvent, "managementevent", T::kBool, false, true, true, false, true},
    {C::kRecipientAccountId, "recipientaccountid", T::kString, false, true, true, false, true},
    {C::kSharedEventId, "sharedeventid", T::kString, false, true, false, false, true},
    {C::kAnnotation, "annotation", T::kString, false, true, false, false, true},
    {C::kVpcEndpointId, "vpcendpointid", T::kString, false, true, true, false, true},
    {C::kVpcEndpointAccountId, "vpcendpointaccountid", T::kString, false, true, true, false, true},
    {C::kServiceEventDetails, "serviceeventdetails", T::kMap, false, true, false, false, true},
    {C::kAddendum, "addendum", T::kMap, false, true, false, false, true},
    {C::kEdgeDeviceDetails, "edgedevicedetails", T::kMap, false, true, false, false, true},
    {C::kInsightDetails, "insightdetails", T::kMap, false, true, false, false, true},
    {C::kEventCategory, "eventcategory", T::kString, false, true, true, false, true},
    {C::kTlsVersion, "tlsdetails.tlsversion", T::kString, false, true, true, false, true},
    {C::kTlsCipherSuite, "tlsdetails.ciphersuite", T::kString, false, true, true, false, true},
    {C::kTlsClientProvidedHostHeader, "tlsdetails.clientprovidedhostheader", T::kString, false,
     true, true, false, true},
    {C::kTlsKeyExchange, "tlsdetails.keyexchange", T::kString, false, false, true, false, true},
    {C::kSessionCredentialFromConsole, "sessioncredentialfromconsole", T::kString, false, true,
     true, false, true},
    {C::kEventJson, "eventjson", T::kString, false, true, false, false, true},
    {C::kEventJsonChecksum, "eventjsonchecksum", T::kString, false, true, false, false, false},
    {C::kUsername, "username", T::kString, false, false, true, true, true},
};

constexpr bool CatalogIsIndexedById() {
  for (int i = 0; i < kColumnCount; ++i) {
    if (static_cast<int>(kColumns[i].id) != i) return false;
  }
  return true;
}
static_assert(CatalogIsIndexedById(), "kColumns must be indexed by ColumnId");

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::span<const ColumnDef> AllColumns() { return kColumns; }

const ColumnDef* FindColumn(std::string_view name) {
  for (const ColumnDef& c : kColumns) {
    if (EqualsIgnoreCase(c.name, name)) return &c;
  }
  if (EqualsIgnoreCase(name, "useridentity.inscopeof.credentiaisissuedto")) {
    return &kColumns[static_cast<int>(C::kInScopeOfCredentialsIssuedTo)];
  }
  return nullptr;
}

Str* MutableStringField(Event* e, ColumnId id) {
  UserIdentity& u = e->user_identity;
  switch (id) {
    case C::kEventVersion:
      return &e->event_version;
    case C::kUserIdentityType:
      return &u.type;
    case C::kUserIdentityPrincipalId:
      return &u.principal_id;
    case C::kUserIdentityArn:
      return &u.arn;
    case C::kUserIdentityAccountId:
      return &u.account_id;
    case C::kUserIdentityAccessKeyId:
      return &u.access_key_id;
    case C::kUserIdentityUserName:
      return &u.user_name;
    case C::kUserIdentityInvokedBy:
      return &u.invoked_by;
    case C::kUserIdentityIdentityProvider:
      return &u.identity_provider;
    case C::kUserIdentityCredentialId:
      return &u.credential_id;
    case C::kSessionMfaAuthenticated:
      return &u.mfa_authenticated;
    case C::kSessionIssuerType:
      return &u.session_issuer.type;
    case C::kSessionIssuerPrincipalId:
      return &u.session_issuer.principal_id;
    case C::kSessionIssuerArn:
      return &u.session_issuer.arn;
    case C::kSessionIssuerAccountId:
      return &u.session_issuer.account_id;
    case C::kSessionIssuerUserName:
      return &u.session_issuer.user_name;
    case C::kWebIdFederatedProvider:
      return &u.web_id_federated_provider;
    case C::kWebIdAttributes:
      return &u.web_id_attributes_json;
    case C::kSessionSourceIdentity:
      return &u.source_identity;
    case C::kSessionEc2RoleDelivery:
      return &u.ec2_role_delivery;
    case C::kSessionEc2IssuedInVpc:
      return &u.ec2_issued_in_vpc;
    case C::kOnBehalfOfUserId:
      return &u.on_behalf_of_user_id;
    case C::kOnBehalfOfIdentityStoreArn:
      return &u.on_behalf_of_identity_store_arn;
    case C::kInScopeOfSourceArn:
      return &u.in_scope_of_source_arn;
    case C::kInScopeOfSourceAccount:
      return &u.in_scope_of_source_account;
    case C::kInScopeOfIssuerType:
      return &u.in_scope_of_issuer_type;
    case C::kInScopeOfCredentialsIssuedTo:
      return &u.in_scope_of_credentials_issued_to;
    case C::kEventSource:
      return &e->event_source;
    case C::kEventName:
      return &e->event_name;
    case C::kAwsRegion:
      return &e->aws_region;
    case C::kSourceIpAddress:
      return &e->source_ip_address;
    case C::kUserAgent:
      return &e->user_agent;
    case C::kErrorCode:
      return &e->error_code;
    case C::kErrorMessage:
      return &e->error_message;
    case C::kRequestParameters:
      return &e->request_parameters_json;
    case C::kResponseElements:
      return &e->response_elements_json;
    case C::kAdditionalEventData:
      return &e->additional_event_data_json;
    case C::kRequestId:
      return &e->request_id;
    case C::kEventId:
      return &e->event_id;
    case C::kEventType:
      return &e->event_type;
    case C::kApiVersion:
      return &e->api_version;
    case C::kRecipientAccountId:
      return &e->recipient_account_id;
    case C::kSharedEventId:
      return &e->shared_event_id;
    case C::kAnnotation:
      return &e->annotation;
    case C::kVpcEndpointId:
      return &e->vpc_endpoint_id;
    case C::kVpcEndpointAccountId:
      return &e->vpc_endpoint_account_id;
    case C::kServiceEventDetails:
      return &e->service_event_details_json;
    case C::kAddendum:
      return &e->addendum_json;
    case C::kEdgeDeviceDetails:
      return &e->edge_device_details_json;
    case C::kInsightDetails:
      return &e->insight_details_json;
    case C::kEventCategory:
      return &e->event_category;
    case C::kTlsVersion:
      return &e->tls_details.tls_version;
    case C::kTlsCipherSuite:
      return &e->tls_details.cipher_suite;
    case C::kTlsClientProvidedHostHeader:
      return &e->tls_details.client_provided_host_header;
    case C::kTlsKeyExchange:
      return &e->tls_details.key_exchange;
    case C::kSessionCredentialFromConsole:
      return &e->session_credential_from_console;
    case C::kEventJson:
      return &e->raw;
    default:
      return nullptr;
  }
}

const Str* StringField(const Event& e, ColumnId id) {
  return MutableStringField(const_cast<Event*>(&e), id);
}

Str* MutableResourceField(Resource* r, ColumnId id) {
  switch (id) {
    case C::kResourcesArn:
      return &r->arn;
    case C::kResourcesAccountId:
      return &r->account_id;
    case C::kResourcesType:
      return &r->type;
    default:
      return nullptr;
  }
}

const Str* ResourceField(const Resource& r, ColumnId id) {
  return MutableResourceField(const_cast<Resource*>(&r), id);
}

OptBool* MutableBoolField(Event* e, ColumnId id) {
  switch (id) {
    case C::kReadOnly:
      return &e->read_only;
    case C::kManagementEvent:
      return &e->management_event;
    default:
      return nullptr;
  }
}

OptBool BoolField(const Event& e, ColumnId id) {
  const OptBool* b = MutableBoolField(const_cast<Event*>(&e), id);
  return b ? *b : OptBool::kNull;
}

int64_t* MutableTimestampField(Event* e, ColumnId id) {
  switch (id) {
    case C::kEventTime:
      return &e->event_time_us;
    case C::kSessionCreationDate:
      return &e->user_identity.creation_date_us;
    default:
      return nullptr;
  }
}

int64_t TimestampField(const Event& e, ColumnId id) {
  const int64_t* t = MutableTimestampField(const_cast<Event*>(&e), id);
  return t ? *t : INT64_MIN;
}

Str DerivedUsername(const Event& e) {
  const UserIdentity& u = e.user_identity;
  if (!u.present || IsNull(u.type)) return IsNull(u.user_name) ? Str() : u.user_name;
  const Str type = u.type;
  if (type == "Root") return Str("root");
  if (type == "IAMUser") return u.user_name;
  if (type == "AssumedRole" || type == "FederatedUser") {
    if (!IsNull(u.principal_id)) {
      size_t colon = u.principal_id.find(':');
      if (colon != Str::npos) return u.principal_id.substr(colon + 1);
    }
    return u.session_issuer.user_name;
  }
  if (type == "IdentityCenterUser") return u.on_behalf_of_user_id;
  if (type == "AWSService") return u.invoked_by;
  return u.user_name;
}

Str StringValue(const Event& e, ColumnId id) {
  if (id == C::kUsername) return DerivedUsername(e);
  const Str* s = StringField(e, id);
  return s ? *s : Str();
}

}  // namespace cairn
