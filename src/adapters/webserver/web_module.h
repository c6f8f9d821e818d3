// The boundary between tryaudex and libaudex_webserver.so, the module that
// holds cpp-httplib's server for the pages Audex serves to a browser
// (`tryaudex dashboard`). Like libaudex_credserver.so (credential_server.cc
// says why these are modules opened with dlopen), it knows nothing of what
// it serves: a handler in tryaudex answers every request. Both sides are
// built together, so C++ types cross; the entry points have C linkage only
// so that dlsym finds them by name.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace audex {

// One request as the handler sees it. Header names are lower case.
struct WebRequest {
  std::string method;                             // "GET", "POST", ...
  std::string path;                               // without the query, percent-decoded
  std::multimap<std::string, std::string> query;  // decoded parameters
  std::map<std::string, std::string> headers;     // lower-case names
  size_t body_size = 0;  // the handler never needs a body: the API is read-only

  // The first value of a parameter or header; "" when absent.
  std::string Param(const std::string& name) const;
  std::string Header(const std::string& lower_case_name) const;
};

// One reply: status, headers (Content-Type among them) and body.
struct WebResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called for every request on any path and method; calls may come from
// several threads at once (the handler guards its own state).
using WebHandler = std::function<WebResponse(const WebRequest& request)>;

}  // namespace audex

extern "C" {
// Binds 127.0.0.1 on a port the kernel picks, serves on threads of its own,
// and returns a handle (null when no port can be bound); `*port` receives
// the port. `handler` must outlive the handle.
void* AudexWebServerStart(const audex::WebHandler* handler, int* port);
// Stops serving, joins the threads and frees the handle.
void AudexWebServerStop(void* handle);
}
