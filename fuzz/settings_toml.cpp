// larder's TOML settings file (config/settings.hpp): a broken file is reported through
// problems(), never thrown, and the typed accessors fall back to defaults.
#include <cstddef>
#include <cstdint>

#include "config/settings.hpp"
#include "fuzz_support.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::ScratchFile file("config.toml");
  const EnvironmentMap environment{{"LARDER_CONFIG", file.write(fuzz::as_text(data, size)).string()},
                                   {"HOME", "/nonexistent"}};
  const Settings settings = Settings::load_from(environment);
  (void)settings.cache_dir();
  (void)settings.cache_size_bytes();
  for (const auto& value : settings.all()) {
    if (value.value) (void)mask_secret(value.name, *value.value);
  }
  return 0;
}
