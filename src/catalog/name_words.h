// NameWords: the words of a name from the Service Authorization Reference,
// split where its writers broke them: "stateMachine", "log-group",
// "DBInstance", "code signing config". The build-time generator and the
// runtime split names the same way, so a noun that is just the name's words
// need not be stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace audex {

// Lower-case words: a capital, '-', '_', ' ' and other punctuation start a
// new word, except inside a run of capitals not followed by a lower-case
// letter ("DBInstance" -> "db", "instance").
std::vector<std::string> NameWords(std::string_view name);

// The lower-case letters and digits of `text`: how names and nouns compare
// whatever their spacing ("Log-Group", "log group" -> "loggroup").
std::string NameLetters(std::string_view text);

}  // namespace audex
