#!/usr/bin/env bash
# An approved *Note* issue → a pull request adding the note, or a comment on the issue saying
# what to change. Run by .github/workflows/note-from-issue.yml; the tests run it with a fake
# `gh` and a bare git remote.
#
# Environment: ISSUE_BODY (the issue's text: untrusted, only ever written to a file),
# ISSUE_NUMBER, ISSUE_AUTHOR (login), ISSUE_CREATED (ISO time, optional), BASE_BRANCH
# (default main), PYTHON (default .venv/bin/python). `gh` must be authenticated (GH_TOKEN).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${ISSUE_NUMBER:-}" in
  '' | *[!0-9]*) echo "error: ISSUE_NUMBER must be the issue's number" >&2; exit 2 ;;
esac
python="${PYTHON:-.venv/bin/python}"
base="${BASE_BRANCH:-main}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%s' "${ISSUE_BODY:-}" > "$work/body.md"
args=(notes from-issue "$work/body.md" --number "$ISSUE_NUMBER" --author "${ISSUE_AUTHOR:-}")
created="${ISSUE_CREATED:-}"
if [ -n "$created" ]; then args+=(--date "${created%%T*}"); fi

if "$python" -m analysis "${args[@]}" > "$work/path" 2> "$work/problems"; then
  note="$(cat "$work/path")"
  branch="note/issue-$ISSUE_NUMBER"
  git switch --quiet --force-create "$branch"
  git add -- "$note"
  git commit --quiet -m "Note from issue #$ISSUE_NUMBER" \
    -m "Written by 'python -m analysis notes from-issue' from the Note form."
  git push --quiet --force origin "$branch"
  if ! gh pr view "$branch" --json url --jq .url > "$work/url" 2> /dev/null; then
    cat > "$work/pr.md" << MD
Adds the note proposed in #$ISSUE_NUMBER, written from its Note form by
\`python -m analysis notes from-issue\` and checked by the notes check.

Closes #$ISSUE_NUMBER

Pull requests opened by GitHub Actions do not start CI on their own: a maintainer closes and
reopens this pull request (or pushes to it) to run the checks and the site preview.
MD
    gh pr create --base "$base" --head "$branch" --title "Note from issue #$ISSUE_NUMBER" \
      --body-file "$work/pr.md" > "$work/url"
  fi
  printf 'Thank you: the note is in pull request %s. A maintainer will review it there.\n' \
    "$(tail -n 1 "$work/url")" > "$work/comment.md"
  gh issue comment "$ISSUE_NUMBER" --body-file "$work/comment.md"
else
  status=$?
  if [ "$status" -ne 2 ]; then cat "$work/problems" >&2; exit "$status"; fi
  {
    echo "The note could not be added yet. Please edit the issue to fix what is listed below;"
    echo "a maintainer then adds the approval label again."
    echo
    echo '~~~~text'
    cat "$work/problems"
    echo '~~~~'
  } > "$work/comment.md"
  gh issue comment "$ISSUE_NUMBER" --body-file "$work/comment.md"
fi
