#pragma once

namespace hems {

// How much a log line matters; the cores attach it to the lines they hand to the app.
enum class LogLevel { error, warning, info, debug, trace };

}  // namespace hems
