// Edits of the AWS config file (~/.aws/config) that touch one section and
// nothing else: `setup-profile` writes its stanza this way. Pure: text in,
// text out; reading and replacing the file is the caller's.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace audex {

// The config file's header for profile `name`: "default" for the default
// profile, "profile NAME" for the others (as the AWS CLI writes them).
std::string ConfigSectionName(std::string_view profile);

// `text` with section `section` holding exactly `values`, in order. An
// existing section of that name (headers compared with blanks collapsed)
// has its body replaced up to the next header; comments and every other
// section are kept byte for byte. A missing section is appended, after a
// blank line when the file does not already end with one.
std::string SetConfigSection(std::string_view text, std::string_view section,
                             const std::vector<std::pair<std::string, std::string>>& values);

// The keys of an existing section (keys lower-cased, as ParseIni gives them)
// that replacing it with a `setup-profile` stanza would lose: every key but
// region (which setup-profile carries over), and credential_process unless
// it runs `tryaudex credential-process`. Empty: the section is one setup-profile wrote (or
// has nothing), so rewriting it loses nothing.
std::vector<std::string> KeysSetupProfileWouldLose(
    const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace audex
