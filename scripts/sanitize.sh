#!/usr/bin/env bash
# The test suite under the compilers' sanitizers (CI runs both kinds).
#   scripts/sanitize.sh address [ctest args]  AddressSanitizer + UBSan: the whole tree and the
#                                             whole suite, the programs the tests start included
#   scripts/sanitize.sh thread [ctest args]   ThreadSanitizer: where threads meet (the event loop's
#                                             post and wake-up, Paho's callback threads handing
#                                             over to the loop, the daemon against a real broker)
# A finding fails the test that met it: ASan and UBSan stop the program, TSan makes it exit 66.
# Findings in code that is not ours may be suppressed, with the reason, in tests/sanitizers/.
# Env: BUILD_DIR (default build-address/ or build-thread/), HEMS_ALLOWED_SKIPS as for test.sh.
set -euo pipefail
case "${1:-}" in
  address | thread) ;;
  *)
    echo "usage: $0 address|thread [ctest args]" >&2
    exit 2
    ;;
esac
kind=$1
shift
HEMS_SANITIZE=$kind exec "$(dirname "$0")/test.sh" "$@"
