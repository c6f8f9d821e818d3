// The AWS service models and endpoint rules built into tryaudex: generated
// at build time (gen/service_model_gen.cc) from the npm package aws-sdk
// pinned in src/catalog/models/package-lock.json. The forwarding endpoint
// routes requests with them (core/aws_request_route.h).
#pragma once

#include "core/wire/aws_service_model.h"

namespace audex {

// Services sorted by signing name, then service id; one entry per service
// (its newest API version). Endpoint rules sorted by key.
const AwsServiceModels& BuiltinServiceModels();

}  // namespace audex
