#pragma once

#include <string>

namespace hems::io {

// Explains why a device could not be opened, for a person to act on: the path, the system's
// reason for `error_number`, whether the path exists (or is a dangling symlink), and a hint -
// for EACCES the owner, group and mode and the advice to join the owning group (usually
// `dialout`); for ENOENT where to look; for EBUSY who may hold the port.
std::string describe_open_failure(const std::string& path, int error_number);

}  // namespace hems::io
