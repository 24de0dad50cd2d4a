#pragma once
// Keys are built from named components, so that a miss can later be explained by comparing the
// components of two calls rather than two opaque digests.
#include <string>
#include <string_view>
#include <vector>

namespace larder {

inline constexpr std::string_view kKeySalt = "larder-key-1";

struct KeyComponent {
  std::string group;  // "compiler", "arg", "extern", "env", "source", …
  std::string name;
  std::string value;  // contents are given as hashes; never a secret in clear
};

class KeyBuilder {
 public:
  KeyBuilder& add(std::string group, std::string name, std::string value);
  std::string digest() const;
  const std::vector<KeyComponent>& components() const { return components_; }

 private:
  std::vector<KeyComponent> components_;
};

}  // namespace larder
