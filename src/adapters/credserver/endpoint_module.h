// The boundary between tryaudex and libaudex_credserver.so, the module that
// holds cpp-httplib's server for every loopback endpoint Audex serves to a
// child (run --serve's AWS credentials, an Azure session's token);
// credential_server.cc says why it is a module opened with dlopen. Both sides are built together by
// this project, with the same compiler and libstdc++, so C++ types cross it; the two entry points
// have C linkage only so that dlsym can find them by name.
#pragma once

#include <functional>
#include <string>

namespace audex {

// What one fetch gets: an HTTP status and a JSON body.
struct CredentialReply {
  int status = 200;
  std::string body;
};

// What the handlers look at in one request; "" for what is absent.
struct EndpointRequest {
  std::string method;           // "GET" or "POST"
  std::string path;             // without the query
  std::string authorization;    // Authorization (the container-credentials token)
  std::string metadata;         // Metadata (Azure MSI_ENDPOINT: "true")
  std::string identity_header;  // X-IDENTITY-HEADER (Azure IDENTITY_ENDPOINT)
  std::string resource;         // the `resource` query or form parameter
};

// Called for every GET and POST on any path; the module serialises the
// calls. The handler decides everything, 404s included.
using EndpointHandler = std::function<CredentialReply(const EndpointRequest& request)>;

}  // namespace audex

extern "C" {
// Binds 127.0.0.1 on a port the kernel picks, serves on a thread of its
// own, and returns a handle (null when no port can be bound); `*port`
// receives the port. `handler` must outlive the handle.
void* AudexEndpointStart(const audex::EndpointHandler* handler, int* port);
// Stops serving, joins the thread and frees the handle.
void AudexEndpointStop(void* handle);
}
