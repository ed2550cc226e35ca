#!/usr/bin/env bash
# An approved *Note* issue → a pull request adding the note, or a comment on the issue saying
# what to change. Run by .github/workflows/note-from-issue.yml; the tests run it with a fake
# `gh` and a bare git remote. It always answers on the issue: with the pull request, with what
# to change, or, if something failed on our side, with a short notice (the run then fails).
#
# Environment: ISSUE_BODY (the issue's text: untrusted, only ever written to a file),
# ISSUE_NUMBER, ISSUE_AUTHOR (login), ISSUE_CREATED (ISO time, optional), BASE_BRANCH
# (default main), PYTHON (default .venv/bin/python). `gh` must be authenticated (GH_TOKEN).
#
# The note goes on the branch note/issue-N. Labelled again while that branch's pull request is
# open, the bot updates it; if that pull request was closed or merged, the bot leaves its branch
# as it is and opens a new pull request from the next free branch, note/issue-N-2, -3, …
set -euo pipefail
cd "$(dirname "$0")/.."

case "${ISSUE_NUMBER:-}" in
  '' | *[!0-9]*) echo "error: ISSUE_NUMBER must be the issue's number" >&2; exit 2 ;;
esac
python="${PYTHON:-.venv/bin/python}"
base="${BASE_BRANCH:-main}"
work="$(mktemp -d)"
answered=0

answer() { # post $work/comment.md on the issue (at most 60,000 bytes: GitHub's limit is 65,536)
  head -c 60000 "$work/comment.md" > "$work/answer.md"
  gh issue comment "$ISSUE_NUMBER" --body-file "$work/answer.md"
  answered=1
}

finish() {
  status=$?
  if [ "$status" -ne 0 ] && [ "$answered" -eq 0 ]; then
    {
      echo "The bot could not turn this issue into a note because of an error on our side (not"
      echo "in your note). A maintainer will look at the workflow run and try again."
    } > "$work/comment.md"
    answer || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

printf '%s' "${ISSUE_BODY:-}" > "$work/body.md"
args=(notes from-issue "$work/body.md" --number "$ISSUE_NUMBER" --author "${ISSUE_AUTHOR:-}")
created="${ISSUE_CREATED:-}"
if [ -n "$created" ]; then args+=(--date "${created%%T*}"); fi

status=0
"$python" -m analysis "${args[@]}" > "$work/path" 2> "$work/problems" || status=$?
if [ "$status" -eq 2 ]; then
  {
    echo "The note could not be added yet. Please edit the issue to fix what is listed below;"
    echo "a maintainer then adds the approval label again."
    echo
    echo '~~~~text'
    head -c 50000 "$work/problems"
    echo '~~~~'
  } > "$work/comment.md"
  answer
  exit 0
fi
if [ "$status" -ne 0 ]; then cat "$work/problems" >&2; exit "$status"; fi

note="$(cat "$work/path")"
branch="" url=""
for n in $(seq 1 20); do
  candidate="note/issue-$ISSUE_NUMBER"
  if [ "$n" -gt 1 ]; then candidate="$candidate-$n"; fi
  if ! git ls-remote --exit-code --heads origin "refs/heads/$candidate" > /dev/null; then
    branch="$candidate" # a free name: a new branch and a new pull request
    break
  fi
  url="$(gh pr list --head "$candidate" --state open --json url --jq '.[0].url // empty')"
  if [ -n "$url" ]; then
    branch="$candidate" # its pull request is open: update it
    break
  fi # its pull request was closed or merged: leave that branch as it is
done
if [ -z "$branch" ]; then
  echo "error: note/issue-$ISSUE_NUMBER and 19 more branches are taken by closed pull requests" >&2
  exit 1
fi

git switch --quiet --force-create "$branch"
git add -- "$note"
if git diff --cached --quiet; then
  printf 'The note from this issue is already on the default branch (`%s`): nothing to add.\n' \
    "$note" > "$work/comment.md"
  answer
  exit 0
fi
git commit --quiet -m "Note from issue #$ISSUE_NUMBER" \
  -m "Written by 'python -m analysis notes from-issue' from the Note form."
git push --quiet --force origin "$branch" # the bot's own branch: new, or its open pull request's
if [ -z "$url" ]; then
  cat > "$work/pr.md" << MD
Adds the note proposed in #$ISSUE_NUMBER, written from its Note form by
\`python -m analysis notes from-issue\` and checked by the notes check.

Closes #$ISSUE_NUMBER

Pull requests opened by GitHub Actions do not start CI on their own: a maintainer closes and
reopens this pull request (or pushes to it) to run the checks and the site preview.
MD
  gh pr create --base "$base" --head "$branch" --title "Note from issue #$ISSUE_NUMBER" \
    --body-file "$work/pr.md" > "$work/url"
  url="$(tail -n 1 "$work/url")"
fi
printf 'Thank you: the note is in pull request %s. A maintainer will review it there.\n' \
  "$url" > "$work/comment.md"
answer
