#include "api/errors.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace cairn::api {
namespace {

TEST(ErrorsTest, TableHasOneRowPerCodeInOrder) {
  auto table = ErrorCodeTable();
  ASSERT_EQ(table.size(), 17u);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(table[i].code), i);
    if (i == 0) continue;
    EXPECT_FALSE(table[i].aws_name.empty()) << i;
    EXPECT_GE(table[i].json11_http, 400) << i;
    EXPECT_GE(table[i].rest_http, 400) << i;
    EXPECT_NE(table[i].cli_exit, 0) << i;
  }
}

TEST(ErrorsTest, DefaultNamesAndStatuses) {
  ApiError e = ToApiError(Status::NotFound("no such thing"), Protocol::kJson11);
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "no such thing");
  e = ToApiError(Status::NotFound("no such thing"), Protocol::kRestJson);
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(ToApiError(Status::InvalidArgument("x"), Protocol::kJson11).type,
            "InvalidParameterException");
  EXPECT_EQ(ToApiError(Status::PermissionDenied("x"), Protocol::kRestJson).http_status, 403);
  EXPECT_EQ(ToApiError(Status::ResourceExhausted("x"), Protocol::kRestJson).http_status, 429);
  EXPECT_EQ(ToApiError(Status::Unavailable("x"), Protocol::kJson11).http_status, 503);
}

TEST(ErrorsTest, SpecificNameOverridesDefault) {
  Status s = AwsError(StatusCode::kNotFound, "TrailNotFoundException",
                      "Unknown trail: t1 for the user: 111122223333");
  ApiError e = ToApiError(s, Protocol::kJson11);
  EXPECT_EQ(e.type, "TrailNotFoundException");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "Unknown trail: t1 for the user: 111122223333");
  EXPECT_EQ(CliExitCode(s), 1);
}

TEST(ErrorsTest, NamedStatusesForAuthAndRest) {
  auto json = [](const char* name) {
    return ToApiError(AwsError(StatusCode::kUnauthenticated, name, "m"), Protocol::kJson11)
        .http_status;
  };
  EXPECT_EQ(json("MissingAuthenticationTokenException"), 403);
  EXPECT_EQ(json("IncompleteSignatureException"), 400);
  EXPECT_EQ(json("InvalidSignatureException"), 400);
  EXPECT_EQ(json("UnrecognizedClientException"), 400);
  EXPECT_EQ(ToApiError(AwsError(StatusCode::kNotFound, "ChannelNotFound", "m"), Protocol::kRestJson)
                .http_status,
            404);
  EXPECT_EQ(ToApiError(AwsError(StatusCode::kUnimplemented, "UnknownOperationException", "m"),
                       Protocol::kRestJson)
                .http_status,
            404);
  EXPECT_EQ(HttpStatusForName("TrailNotFoundException", Protocol::kJson11), 0);
}

TEST(ErrorsTest, ServerFaultsHideDetail) {
  ApiError e =
      ToApiError(Status::DataLoss("seg-7.cseg: offset 4096: bad crc"), Protocol::kJson11, "req-1");
  EXPECT_EQ(e.type, "InternalFailure");
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.message.find("seg-7"), std::string::npos);
  EXPECT_NE(e.message.find("req-1"), std::string::npos);
}

TEST(ErrorsTest, CliExitCodes) {
  EXPECT_EQ(CliExitCode(Status::OK()), 0);
  EXPECT_EQ(CliExitCode(Status::InvalidArgument("bad flag")), 2);
  EXPECT_EQ(CliExitCode(Status::NotFound("x")), 1);
  EXPECT_EQ(CliExitCode(Status::DataLoss("x")), 1);
}

TEST(ErrorsTest, Json11ResponseShape) {
  ApiError e{"TrailNotFoundException", "Unknown trail: \"a\\b\"\n\x01 \xff end", 400};
  HttpResponse r = ErrorResponse(e, Protocol::kJson11, "6d0b8a1e-2f8c-4f7e-9b8e-0e3f1c2d4a5b");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(r.Header("x-amzn-errortype"), "TrailNotFoundException");
  EXPECT_EQ(r.Header("x-amzn-RequestId"), "6d0b8a1e-2f8c-4f7e-9b8e-0e3f1c2d4a5b");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.body).get(doc), simdjson::SUCCESS) << r.body;
  std::string_view type, message;
  ASSERT_EQ(doc["__type"].get(type), simdjson::SUCCESS);
  ASSERT_EQ(doc["message"].get(message), simdjson::SUCCESS);
  EXPECT_EQ(type, "TrailNotFoundException");
  EXPECT_EQ(message, "Unknown trail: \"a\\b\"\n\x01 \xEF\xBF\xBD end");
}

TEST(ErrorsTest, RestResponseShape) {
  ApiError e = ToApiError(Status::NotFound("Subscriber s1 not found"), Protocol::kRestJson);
  HttpResponse r = ErrorResponse(e, Protocol::kRestJson, "rid");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(r.body,
            R"({"__type":"ResourceNotFoundException","message":"Subscriber s1 not found"})");
}

}  // namespace
}  // namespace cairn::api
