#pragma once
// Small string helpers shared by the parsers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larder {

std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
// "10G", "500M", "1.5GiB", "4096" -> bytes.
std::optional<uint64_t> parse_size(std::string_view text);
// 1536 -> "1.5 KiB".
std::string format_size(uint64_t bytes);
// Replaces every occurrence of `from` in `text` with `to`.
std::string replace_all(std::string text, std::string_view from, std::string_view to);
// "1", "true", "yes", "on" (any case) -> true.
bool is_truthy(std::string_view text);
// Markdown as plain words: code spans lose their backticks, links keep their text.
std::string markdown_as_plain_text(std::string_view markdown);

}  // namespace larder
