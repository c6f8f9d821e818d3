// The boundary between tryaudex and libaudex_credserver.so, the module that
// holds cpp-httplib's server (credential_server.cc says why it is a module
// opened with dlopen). Both sides are built together by this project, with
// the same compiler and libstdc++, so C++ types cross it; the two entry
// points have C linkage only so that dlsym can find them by name.
#pragma once

#include <functional>
#include <string>

namespace audex {

// What one fetch gets: an HTTP status and a JSON body.
struct CredentialReply {
  int status = 200;
  std::string body;
};

// Called for every GET /credentials with the request's Authorization
// header value ("" when absent); the module serialises the calls.
using EndpointHandler = std::function<CredentialReply(const std::string& authorization)>;

}  // namespace audex

extern "C" {
// Binds 127.0.0.1 on a port the kernel picks, serves on a thread of its
// own, and returns a handle (null when no port can be bound); `*port`
// receives the port. `handler` must outlive the handle.
void* AudexEndpointStart(const audex::EndpointHandler* handler, int* port);
// Stops serving, joins the thread and frees the handle.
void AudexEndpointStop(void* handle);
}
