#!/usr/bin/env bash
# Checks commit messages: the subject is at most 72 characters and the second line is blank.
#   scripts/check-commit-messages.sh [RANGE]    # commits in RANGE, default HEAD~20..HEAD (or
#                                               # every commit when there are fewer)
#   scripts/check-commit-messages.sh --file F   # one message in a file (the commit-msg hook)
# Lists each message that breaks a rule and exits 1. Not in CI: older commits on main predate
# the rules, and history is not rewritten.
set -euo pipefail
# ${#subject} counts characters in a UTF-8 locale, so a Japanese subject is measured fairly.
export LC_ALL=C.UTF-8
max_subject=72

# Prints the problems of $message (comments already stripped).
problems_of() {
  local subject second
  subject=$(sed -n 1p <<<"$message")
  second=$(sed -n 2p <<<"$message")
  [ -z "$subject" ] && echo "the subject is empty"
  [ "${#subject}" -gt "$max_subject" ] &&
    echo "the subject has ${#subject} characters, more than $max_subject"
  [ -n "$second" ] && echo "the second line is not blank (the body starts after a blank line)"
  return 0
}

check() {
  local name=$1
  local found
  found=$(problems_of)
  [ -z "$found" ] && return 0
  echo "$name: $(sed -n 1p <<<"$message")"
  while IFS= read -r line; do echo "  $line"; done <<<"$found"
  return 1
}

if [ "${1:-}" = --file ]; then
  [ $# -eq 2 ] || {
    echo "usage: scripts/check-commit-messages.sh --file MESSAGE_FILE" >&2
    exit 2
  }
  # What git keeps of the message: no comment lines, no leading blank lines.
  message=$(git stripspace --strip-comments <"$2")
  check "commit message" || {
    echo "(the message is kept in ${2}; fix it with git commit -e -F ${2})" >&2
    exit 1
  }
  exit 0
fi

if [ $# -gt 1 ]; then
  echo "usage: scripts/check-commit-messages.sh [RANGE | --file MESSAGE_FILE]" >&2
  exit 2
fi
range=${1:-}
if [ -z "$range" ]; then
  if git rev-parse -q --verify 'HEAD~20^{commit}' >/dev/null; then
    range=HEAD~20..HEAD
  else
    range=HEAD
  fi
fi

commits=$(git rev-list "$range" --) || {
  echo "cannot list the commits in $range" >&2
  exit 2
}
status=0
count=0
for commit in $commits; do
  count=$((count + 1))
  message=$(git log -1 --format=%B "$commit")
  check "$(git rev-parse --short "$commit")" || status=1
done
if [ "$status" -eq 0 ]; then
  echo "$count commit messages checked in $range: all fine"
fi
exit "$status"
