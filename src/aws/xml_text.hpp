#pragma once
// The text of the first <Tag>…</Tag> in an XML document, entities decoded. S3 and STS answers
// are small and flat enough for this; an XML library would complicate the static build.
#include <optional>
#include <string>
#include <string_view>

namespace larder::aws {

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag);

}  // namespace larder::aws
