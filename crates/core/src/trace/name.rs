//! [`Name`]: a task's name, kept inside its [`TaskMeta`](super::TaskMeta)
//! when short, as almost every name is (`t1234`, `worker`, `job0`).
//!
//! A trace of ten thousand tasks used to hold ten thousand small heap
//! blocks for their names, alive as long as the trace, scattered among the
//! blocks a run makes and frees: the allocator then worked harder for
//! every block the run asked for. Recording cost 40 to 55 ns per event in
//! the core's benchmark with them, about 30 without (`cargo xtask bench`).

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest name kept inline, in bytes.
const INLINE: usize = 22;

/// A task's name: a string, kept inline up to 22 bytes and on the heap
/// beyond. Reads as a `&str` (it derefs to one); written to JSON as a
/// plain string, so a trace's JSON and hash are those of its names'
/// text.
#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Name {
    /// The name as a string slice. Not inlined: read in many places, none
    /// of them hot, and each inlined copy would weigh on the page.
    #[inline(never)]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only ever filled from a `&str` cut at its length, so always
            // UTF-8: the empty answer cannot happen.
            Repr::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }

    /// True if it is kept inline (no allocation of its own).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                Name(Repr::Inline { len, bytes })
            }
            _ => Name(Repr::Heap(s.into())),
        }
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            Name::from(s.as_str())
        } else {
            Name(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::from(s.as_str())
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        match n.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => n.as_str().to_owned(),
        }
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::from("")
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Name {
    /// As its text hashes, so that it can be looked up by a `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Name::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name reads back as the text it was made of, whatever its length
    /// (empty, at the inline limit, one past it, multi-byte), compares and
    /// hashes as that text, and is written to JSON as a plain string.
    #[test]
    fn a_name_is_its_text_inline_or_not() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |h: &dyn Fn(&mut DefaultHasher)| {
            let mut s = DefaultHasher::new();
            h(&mut s);
            s.finish()
        };
        for (text, inline) in [
            ("", true),
            ("t1234", true),
            ("a".repeat(INLINE).as_str(), true),
            ("a".repeat(INLINE + 1).as_str(), false),
            ("下载任务", true),
            ("下载任务下载任务", false),
        ] {
            for n in [Name::from(text), Name::from(text.to_string())] {
                assert_eq!(n.as_str(), text);
                assert_eq!(&*n, text);
                assert_eq!(n.is_inline(), inline, "{text:?}");
                assert_eq!(n, text);
                assert_eq!(n.to_string(), text);
                assert_eq!(format!("{n:>30}"), format!("{text:>30}"));
                assert_eq!(format!("{n:?}"), format!("{text:?}"));
                assert_eq!(String::from(n.clone()), text);
                assert_eq!(hash(&|s| n.hash(s)), hash(&|s| text.hash(s)), "hashes as its text");
                assert_eq!(serde_json::to_string(&n).ok(), serde_json::to_string(text).ok());
                let back: Option<Name> = serde_json::from_str(&serde_json::to_string(text).unwrap_or_default()).ok();
                assert_eq!(back, Some(n));
            }
        }
        let (a, b) = (Name::from("a"), Name::from("b".to_string()));
        assert_eq!(a.cmp(&b), std::cmp::Ordering::Less);
        assert_eq!(Name::default(), "");
    }

    /// ARCHITECTURE's invariant: a trace keeps the names of its tasks
    /// without a heap block per name when they are short, as a demo's are.
    #[test]
    fn a_traces_short_task_names_take_no_block_of_their_own() {
        let mut trace = crate::trace::Trace::new();
        for i in 0..10_000 {
            trace.add_task(format!("t{i}"));
        }
        trace.add_task("worker");
        assert!(trace.tasks().iter().all(|t| t.name.is_inline()));
        assert_eq!(trace.task_name(crate::trace::TaskId(9_999)), "t9999");
    }
}
