#pragma once

// Files the bridge keeps between runs (the PAN cache, the topics it announced, the heartbeat):
// private to the service user, and replaced whole, so a crash, a power cut or a full disk leaves
// the old content or the new one, never a mix.

#include <filesystem>
#include <string_view>

#include "hems/common/error.hpp"

namespace hems::io {

// Creates `dir` and its missing parents with mode 0700. An existing directory is left as it is.
Result<void> make_private_dir(const std::filesystem::path& dir);

// Writes `content` to a 0600 temporary file beside `path`, flushes it to the disk, renames it over
// `path` and flushes the directory. On any failure `path` is untouched, the temporary file is
// removed and the error names the file and the reason ("No space left on device" …).
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace hems::io
