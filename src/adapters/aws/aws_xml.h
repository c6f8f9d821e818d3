// Reading AWS Query API replies with pugixml: elements matched by local
// name, so a namespace prefix or a default xmlns (AWS has one, radosgw does
// not) makes no difference. Only for adapters/aws .cc files: it brings in
// pugixml.
#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "core/base/text.h"

namespace audex::aws_xml {

inline std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

inline pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local_name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && LocalName(child) == local_name) return child;
  }
  return {};
}

// The trimmed text of a child element; empty if absent.
inline std::string ChildText(const pugi::xml_node& parent, std::string_view local_name) {
  return std::string(Trim(Child(parent, local_name).child_value()));
}

// The first element named `local_name` at any depth, in document order.
// pugixml's find_node walks the tree without recursion, so a hostile reply
// nested a million levels deep cannot exhaust the stack.
inline pugi::xml_node Find(const pugi::xml_node& root, std::string_view local_name) {
  return root.find_node([&](const pugi::xml_node& node) {
    return node.type() == pugi::node_element && LocalName(node) == local_name;
  });
}

}  // namespace audex::aws_xml
