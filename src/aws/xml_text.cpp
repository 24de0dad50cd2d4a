#include "aws/xml_text.hpp"

#include "util/strings.hpp"

namespace larder::aws {

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
  const std::string open = std::string("<").append(tag);
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    const size_t after = pos + open.size();
    if (after < xml.size() && (xml[after] == '>' || xml[after] == ' ')) break;
    pos = after;  // a longer tag with the same beginning, e.g. <CodeX>
  }
  if (pos == std::string_view::npos) return std::nullopt;
  const size_t start = xml.find('>', pos);
  if (start == std::string_view::npos) return std::nullopt;
  if (xml[start - 1] == '/') return std::string();  // <Tag/>
  const size_t end = xml.find(std::string("</").append(tag).append(">"), start);
  if (end == std::string_view::npos) return std::nullopt;
  std::string text(xml.substr(start + 1, end - start - 1));
  text = replace_all(text, "&lt;", "<");
  text = replace_all(text, "&gt;", ">");
  text = replace_all(text, "&quot;", "\"");
  text = replace_all(text, "&apos;", "'");
  return replace_all(text, "&amp;", "&");
}

}  // namespace larder::aws
