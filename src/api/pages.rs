//! The sequential walk, and the one entry point commands use to walk: each
//! page is fetched after the one before it, as the [`Walk`] directs. It is
//! the authority: the concurrent walk hands on exactly the pages it would.

use std::time::Instant;

use anyhow::Result;

use super::walk::Walk;
use super::{Api, concurrent};

pub use super::walk::{Flow, Page, Pages};

/// Hands every page, in page order, to `consume` until it says stop.
/// This is the one entry point commands use to walk; `concurrency` is how
/// many pages may be in flight once the page count is known.
///
/// The first page is fetched alone. When it gives `total_pages` and
/// `concurrency` is above one, the rest are fetched that many at a time
/// (see [`concurrent`](super::concurrent)) if its next link asks for the
/// next page by number; otherwise, and for `--page N`,
/// the walk goes one page after the other. No more pages are fetched
/// ahead than the first page's `total` supports, whatever its
/// `total_pages` claims.
pub fn for_each_page(
    api: &Api,
    pages: Pages,
    concurrency: usize,
    mut consume: impl FnMut(Page) -> Result<Flow>,
) -> Result<()> {
    let mut walk = Walk::new(api.endpoint.clone(), pages);
    // The token first: the head start of pages fetched ahead is measured
    // on a page, not on a slow token endpoint, which turned it off.
    api.bearer.authorization()?;
    let started = Instant::now();
    let Some(first) = api.next_page(&mut walk, |_, _| None).transpose()? else {
        return Ok(());
    };
    // Pages are fetched ahead by number only when the walk goes to them by
    // number: a server that links by cursor or path ignores `page`.
    let ahead = walk.ahead(&first, concurrency).zip(
        (walk.peek())
            .filter(|(url, n)| concurrent::is_plain_page_link(api, url, *n))
            .map(|(url, _)| url.clone()),
    );
    let flow = consume(first)?;
    if flow == Flow::Stop {
        return Ok(());
    }
    if let Some(ahead) = ahead {
        let took = started.elapsed();
        return concurrent::walk_rest(api, walk, ahead, concurrency, took, flow, consume);
    }
    while let Some(page) = api.next_page(&mut walk, |_, _| None) {
        if consume(page?)? == Flow::Stop {
            break;
        }
    }
    Ok(())
}
