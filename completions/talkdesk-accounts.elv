
use builtin;
use str;

set edit:completion:arg-completer[talkdesk-accounts] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'talkdesk-accounts'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'talkdesk-accounts'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the organization''s accounts, walking every page'
            cand ls 'List the organization''s accounts, walking every page'
            cand summary 'Count accounts per status (same filters as list)'
            cand diff 'Compare a saved JSON/JSONL export with the live list: added, removed, changed'
            cand snapshot 'Record the whole organization in the history store (or a saved export)'
            cand changes 'What changed between snapshots: added, removed, status and other changes'
            cand history 'One account''s versions over time, from when to when'
            cand trend 'Count per status at the end of each day, week or month, with a chart'
            cand config 'Inspect or create the config file'
            cand auth 'Check the credentials against the API'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;list'= {
            cand -s 'Keep only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Keep only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand -o 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --output 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand --columns 'Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise'
            cand --limit 'Stop after N matching accounts, fetching no page beyond them'
            cand --page 'Fetch only page N, no walking'
            cand --sort 'Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]'
            cand --output-file 'Write to this file (atomically) instead of stdout; `-` is stdout'
            cand --at 'The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]'
            cand --max-retries 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --no-header 'Table and csv: leave out the header row'
            cand --no-formula-guard 'csv: do not neutralise cells that a spreadsheet would run as formulas'
            cand --bom 'csv: start with a UTF-8 byte-order mark (for Excel)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;ls'= {
            cand -s 'Keep only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Keep only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand -o 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --output 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand --columns 'Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise'
            cand --limit 'Stop after N matching accounts, fetching no page beyond them'
            cand --page 'Fetch only page N, no walking'
            cand --sort 'Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]'
            cand --output-file 'Write to this file (atomically) instead of stdout; `-` is stdout'
            cand --at 'The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]'
            cand --max-retries 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --no-header 'Table and csv: leave out the header row'
            cand --no-formula-guard 'csv: do not neutralise cells that a spreadsheet would run as formulas'
            cand --bom 'csv: start with a UTF-8 byte-order mark (for Excel)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;summary'= {
            cand -s 'Count only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Count only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand -o 'Output format (case-insensitive; json when --jq is given)'
            cand --output 'Output format (case-insensitive; json when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]'
            cand --max-retries 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;diff'= {
            cand -s 'Compare only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Compare only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand -o 'Output format (case-insensitive; json when --jq is given)'
            cand --output 'Output format (case-insensitive; json when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]'
            cand --max-retries 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --exit-code 'Exit 1 when there are differences (like git diff)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;snapshot'= {
            cand --import 'Record this saved `list -o json` or `-o jsonl` export instead of the live list'
            cand --at 'With --import: when the export was taken (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)'
            cand -o 'Output format (case-insensitive; json when --jq is given)'
            cand --output 'Output format (case-insensitive; json when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]'
            cand --max-retries 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;changes'= {
            cand --since 'Changes at snapshots from this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)'
            cand --until 'Changes at snapshots up to this time (same forms as --since)'
            cand --status-from 'Only accounts that left this status (status changes and removals)'
            cand --status-to 'Only accounts that reached this status (status changes and additions)'
            cand --id 'Only this account (its id, or its name in any case)'
            cand -o 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --output 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;history'= {
            cand -o 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --output 'Output format (case-insensitive; jsonl when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;trend'= {
            cand --since 'From this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back) [default: the first snapshot]'
            cand --every 'Length of a period (UTC days, ISO weeks from Monday, calendar months)'
            cand --plot 'Also write the chart as an SVG picture to this file (`-`: stdout, instead of the table)'
            cand -o 'Output format (case-insensitive; json when --jq is given)'
            cand --output 'Output format (case-insensitive; json when --jq is given)'
            cand --jq 'Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print the config file path in use (and whether it exists)'
            cand show 'Print the resolved settings with secrets redacted, and where each came from'
            cand init 'Write a commented config file (mode 0600)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;config;path'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config;show'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config;init'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --force 'Overwrite an existing file'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config;help'= {
            cand path 'Print the config file path in use (and whether it exists)'
            cand show 'Print the resolved settings with secrets redacted, and where each came from'
            cand init 'Write a commented config file (mode 0600)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;config;help;path'= {
        }
        &'talkdesk-accounts;config;help;show'= {
        }
        &'talkdesk-accounts;config;help;init'= {
        }
        &'talkdesk-accounts;config;help;help'= {
        }
        &'talkdesk-accounts;auth'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;auth;check'= {
            cand --timeout 'Timeout in seconds for each phase of a request (connecting, the answer''s headers, its body) [default: 30]'
            cand --max-retries 'Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;auth;help'= {
            cand check 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;auth;help;check'= {
        }
        &'talkdesk-accounts;auth;help;help'= {
        }
        &'talkdesk-accounts;completions'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;manpage'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --history 'History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]'
            cand --color 'When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;help'= {
            cand list 'List the organization''s accounts, walking every page'
            cand summary 'Count accounts per status (same filters as list)'
            cand diff 'Compare a saved JSON/JSONL export with the live list: added, removed, changed'
            cand snapshot 'Record the whole organization in the history store (or a saved export)'
            cand changes 'What changed between snapshots: added, removed, status and other changes'
            cand history 'One account''s versions over time, from when to when'
            cand trend 'Count per status at the end of each day, week or month, with a chart'
            cand config 'Inspect or create the config file'
            cand auth 'Check the credentials against the API'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;help;list'= {
        }
        &'talkdesk-accounts;help;summary'= {
        }
        &'talkdesk-accounts;help;diff'= {
        }
        &'talkdesk-accounts;help;snapshot'= {
        }
        &'talkdesk-accounts;help;changes'= {
        }
        &'talkdesk-accounts;help;history'= {
        }
        &'talkdesk-accounts;help;trend'= {
        }
        &'talkdesk-accounts;help;config'= {
            cand path 'Print the config file path in use (and whether it exists)'
            cand show 'Print the resolved settings with secrets redacted, and where each came from'
            cand init 'Write a commented config file (mode 0600)'
        }
        &'talkdesk-accounts;help;config;path'= {
        }
        &'talkdesk-accounts;help;config;show'= {
        }
        &'talkdesk-accounts;help;config;init'= {
        }
        &'talkdesk-accounts;help;auth'= {
            cand check 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
        }
        &'talkdesk-accounts;help;auth;check'= {
        }
        &'talkdesk-accounts;help;completions'= {
        }
        &'talkdesk-accounts;help;manpage'= {
        }
        &'talkdesk-accounts;help;help'= {
        }
    ]
    $completions[$command]
}
