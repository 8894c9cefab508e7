//! Built-in functions, and the methods of strings, lists and dicts.

use std::cmp::Ordering;
use std::rc::Rc;
use std::time::Duration;

use super::aio::{self, AioObj};
use super::interp::{Printed, Res, Rt, call, raise};
use super::value::{Builtin, Dict, DictCell, ExcClass, ListCell, MAX_COMPARE_DEPTH, Num, Value, float_repr};

type Kwargs = Vec<(Rc<str>, Value)>;

// ------------------------------------------------------------ iteration

/// What a `for` loop walks.
pub(crate) enum Items {
    List(Rc<ListCell>, usize),
    Vec(std::vec::IntoIter<Value>),
    Range(i64, i64, i64),
    /// A generator or async generator.
    Gen(Rc<AioObj>),
}

/// `iter(v)`.
pub(crate) fn iterate(v: &Value) -> Res<Items> {
    Ok(match v {
        Value::List(l) => Items::List(Rc::clone(l), 0),
        Value::Tuple(t) => Items::Vec(Vec::clone(t).into_iter()),
        Value::Str(s) => Items::Vec(
            s.chars()
                .map(|c| Value::str(c.to_string()))
                .collect::<Vec<_>>()
                .into_iter(),
        ),
        Value::Dict(d) => Items::Vec(
            d.borrow()
                .pairs
                .iter()
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>()
                .into_iter(),
        ),
        Value::Range(a, b, c) => Items::Range(*a, *b, *c),
        Value::Aio(a) => match aio::iter_items(a) {
            Some(items) => items,
            None => return not_iterable(v),
        },
        other => return not_iterable(other),
    })
}

fn not_iterable<T>(v: &Value) -> Res<T> {
    raise(
        ExcClass::TypeError,
        format!("'{}' object is not iterable", v.type_name()),
    )
}

/// The next item, or `None` at the end.
pub(crate) async fn next_item(rt: &Rc<Rt>, items: &mut Items) -> Res<Option<Value>> {
    Ok(match items {
        Items::List(l, i) => {
            let v = l.borrow().get(*i).cloned();
            *i += 1;
            v
        }
        Items::Vec(it) => it.next(),
        Items::Range(cur, stop, step) => {
            if (*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop) {
                let v = *cur;
                *cur = cur.saturating_add(*step);
                if *cur == v {
                    *cur = *stop;
                }
                Some(Value::Int(v))
            } else {
                None
            }
        }
        Items::Gen(g) => aio::resume(rt, g, false).await?,
    })
}

/// Every item of an iterable.
pub(crate) async fn collect(rt: &Rc<Rt>, v: &Value) -> Res<Vec<Value>> {
    match v {
        Value::List(l) => return Ok(l.borrow().clone()),
        Value::Tuple(t) => return Ok(t.to_vec()),
        _ => {}
    }
    if v.range_len() > 1_000_000 {
        return raise(
            ExcClass::OverflowError,
            "range too large: the composer keeps values under a million items",
        );
    }
    let mut items = iterate(v)?;
    let mut out = Vec::new();
    while let Some(x) = next_item(rt, &mut items).await? {
        out.push(x);
        if out.len() > 1_000_000 {
            return raise(
                ExcClass::OverflowError,
                "too many items: the composer keeps values under a million items",
            );
        }
    }
    Ok(out)
}

// ------------------------------------------------------------ items

fn index_of(len: usize, i: &Value, what: &str) -> Res<usize> {
    let Some(Num::Int(i)) = i.num().filter(|_| !matches!(i, Value::Float(_))) else {
        return raise(
            ExcClass::TypeError,
            format!("{what} indices must be integers, not {}", i.type_name()),
        );
    };
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let k = if i < 0 { i + len_i } else { i };
    if k < 0 || k >= len_i {
        return raise(ExcClass::IndexError, format!("{what} index out of range"));
    }
    Ok(k as usize)
}

pub(crate) fn check_hashable(k: &Value) -> Res<()> {
    match k {
        Value::List(_) | Value::Dict(_) => raise(ExcClass::TypeError, format!("unhashable type: '{}'", k.type_name())),
        Value::Tuple(t) => t.iter().try_for_each(check_hashable),
        _ => Ok(()),
    }
}

pub(crate) fn getitem(o: &Value, i: &Value) -> Res<Value> {
    match o {
        Value::List(l) => {
            let l = l.borrow();
            Ok(l[index_of(l.len(), i, "list")?].clone())
        }
        Value::Tuple(t) => Ok(t[index_of(t.len(), i, "tuple")?].clone()),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Ok(Value::str(chars[index_of(chars.len(), i, "string")?].to_string()))
        }
        Value::Range(a, _, c) => {
            let len = usize::try_from(o.range_len()).unwrap_or(0);
            let k = index_of(len, i, "range")? as i64;
            Ok(Value::Int(a + k * c))
        }
        Value::Dict(d) => {
            check_hashable(i)?;
            match d.borrow().get(i) {
                Some(v) => Ok(v.clone()),
                None => Err(super::interp::Raise::Exc(super::value::ExcObj::with_args(
                    ExcClass::KeyError,
                    vec![i.clone()],
                ))),
            }
        }
        other => raise(
            ExcClass::TypeError,
            format!("'{}' object is not subscriptable", other.type_name()),
        ),
    }
}

pub(crate) fn setitem(o: &Value, i: Value, v: Value) -> Res<()> {
    match o {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            let k = index_of(l.len(), &i, "list assignment")?;
            l[k] = v;
            Ok(())
        }
        Value::Dict(d) => {
            check_hashable(&i)?;
            d.borrow_mut().insert(i, v);
            Ok(())
        }
        other => raise(
            ExcClass::TypeError,
            format!("'{}' object does not support item assignment", other.type_name()),
        ),
    }
}

pub(crate) fn delitem(o: &Value, i: &Value) -> Res<()> {
    match o {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            let k = index_of(l.len(), i, "list assignment")?;
            l.remove(k);
            Ok(())
        }
        Value::Dict(d) => match d.borrow_mut().remove(i) {
            Some(_) => Ok(()),
            None => Err(super::interp::Raise::Exc(super::value::ExcObj::with_args(
                ExcClass::KeyError,
                vec![i.clone()],
            ))),
        },
        other => raise(
            ExcClass::TypeError,
            format!("'{}' object does not support item deletion", other.type_name()),
        ),
    }
}

fn opt_int(v: &Value) -> Res<Option<i64>> {
    match v {
        Value::None => Ok(None),
        v => match v.num() {
            Some(Num::Int(i)) if !matches!(v, Value::Float(_)) => Ok(Some(i)),
            _ => raise(ExcClass::TypeError, "slice indices must be integers or None"),
        },
    }
}

pub(crate) fn slice(o: &Value, lo: &Value, hi: &Value, step: &Value) -> Res<Value> {
    let step = opt_int(step)?.unwrap_or(1);
    if step == 0 {
        return raise(ExcClass::ValueError, "slice step cannot be zero");
    }
    let (lo, hi) = (opt_int(lo)?, opt_int(hi)?);
    let pick = |len: usize| -> Vec<usize> {
        let n = len as i64;
        let clamp = |x: i64, lo_b: i64, hi_b: i64| x.clamp(lo_b, hi_b);
        let norm = |x: i64| if x < 0 { x + n } else { x };
        let mut out = Vec::new();
        if step > 0 {
            let start = clamp(lo.map_or(0, norm), 0, n);
            let stop = clamp(hi.map_or(n, norm), 0, n);
            let mut i = start;
            while i < stop {
                out.push(i as usize);
                i += step;
            }
        } else {
            let start = clamp(lo.map_or(n - 1, norm), -1, n - 1);
            let stop = clamp(hi.map_or(-1, norm), -1, n - 1);
            let mut i = start;
            while i > stop {
                out.push(i as usize);
                i += step;
            }
        }
        out
    };
    match o {
        Value::List(l) => {
            let l = l.borrow();
            Ok(Value::list(pick(l.len()).into_iter().map(|i| l[i].clone()).collect()))
        }
        Value::Tuple(t) => Ok(Value::tuple(pick(t.len()).into_iter().map(|i| t[i].clone()).collect())),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Ok(Value::str(
                pick(chars.len()).into_iter().map(|i| chars[i]).collect::<String>(),
            ))
        }
        other => raise(
            ExcClass::TypeError,
            format!("'{}' object is not subscriptable", other.type_name()),
        ),
    }
}

pub(crate) fn contains(container: &Value, item: &Value) -> Res<bool> {
    Ok(match container {
        Value::List(l) => l.borrow().iter().any(|x| x.eq_value(item)),
        Value::Tuple(t) => t.iter().any(|x| x.eq_value(item)),
        Value::Dict(d) => d.borrow().get(item).is_some(),
        Value::Str(s) => match item {
            Value::Str(sub) => s.contains(&**sub),
            other => {
                return raise(
                    ExcClass::TypeError,
                    format!(
                        "'in <string>' requires string as left operand, not {}",
                        other.type_name()
                    ),
                );
            }
        },
        Value::Range(a, _, c) => match item.num() {
            Some(Num::Int(x)) => {
                let len = container.range_len();
                let k = (x - a) / c;
                (x - a) % c == 0 && k >= 0 && k < len
            }
            _ => false,
        },
        Value::Aio(a) => aio::contains(a, item),
        other => {
            return raise(
                ExcClass::TypeError,
                format!("argument of type '{}' is not iterable", other.type_name()),
            );
        }
    })
}

/// `<` between two values, if they can be ordered.
pub(crate) fn order(a: &Value, b: &Value) -> Option<Ordering> {
    order_at(a, b, 0)
}

fn order_at(a: &Value, b: &Value, depth: u32) -> Option<Ordering> {
    if depth > MAX_COMPARE_DEPTH {
        return None;
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::List(x), Value::List(y)) => seq_order(&x.borrow(), &y.borrow(), depth + 1),
        (Value::Tuple(x), Value::Tuple(y)) => seq_order(x, y, depth + 1),
        _ => match (a.num()?, b.num()?) {
            (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
            (x, y) => {
                let f = |n: Num| match n {
                    Num::Int(i) => i as f64,
                    Num::Float(f) => f,
                };
                f(x).partial_cmp(&f(y))
            }
        },
    }
}

fn seq_order(x: &[Value], y: &[Value], depth: u32) -> Option<Ordering> {
    for (a, b) in x.iter().zip(y) {
        if !a.eq_value(b) {
            return order_at(a, b, depth);
        }
    }
    Some(x.len().cmp(&y.len()))
}

// ------------------------------------------------------------ formatting

/// `format(v, spec)`: fill, align, sign, width, `,`, precision and the
/// types `d f % s e g x`.
pub(crate) fn format_value(v: &Value, spec: &str) -> Res<String> {
    if spec.is_empty() {
        return Ok(v.to_str());
    }
    let bad = || {
        raise::<String>(
            ExcClass::ValueError,
            format!(
                "the composer cannot use the format spec '{spec}' with a {}",
                v.type_name()
            ),
        )
    };
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let (mut fill, mut align) = (' ', None);
    if chars.len() >= 2 && matches!(chars[1], '<' | '>' | '^' | '=') {
        fill = chars[0];
        align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && matches!(chars[0], '<' | '>' | '^' | '=') {
        align = Some(chars[0]);
        i = 1;
    }
    let mut sign = '-';
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        sign = chars[i];
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        if align.is_none() {
            fill = '0';
            align = Some('=');
        }
        i += 1;
    }
    let mut width = 0usize;
    while i < chars.len() && chars[i].is_ascii_digit() {
        width = width
            .saturating_mul(10)
            .saturating_add(chars[i] as usize - '0' as usize);
        i += 1;
    }
    let mut comma = false;
    if i < chars.len() && (chars[i] == ',' || chars[i] == '_') {
        comma = true;
        i += 1;
    }
    let mut precision = None;
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let mut p = 0usize;
        while i < chars.len() && chars[i].is_ascii_digit() {
            p = p.saturating_mul(10).saturating_add(chars[i] as usize - '0' as usize);
            i += 1;
        }
        precision = Some(p.min(100));
    }
    let ty = chars.get(i).copied();
    if i + usize::from(ty.is_some()) != chars.len() || width > 10_000 {
        return bad();
    }
    let (neg, body) = match (ty, v) {
        (None | Some('s'), Value::Str(s)) => (
            false,
            match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s.to_string(),
            },
        ),
        (None | Some('d'), Value::Int(n)) if precision.is_none() || ty.is_none() => {
            let digits = n.unsigned_abs().to_string();
            (*n < 0, if comma { group(&digits) } else { digits })
        }
        (Some('x'), Value::Int(n)) => (*n < 0, format!("{:x}", n.unsigned_abs())),
        (Some('f' | 'F' | '%' | 'e' | 'g') | None, v) if v.as_f64().is_some() => {
            let x = v.as_f64().unwrap_or(0.0);
            let (x, suffix) = if ty == Some('%') { (x * 100.0, "%") } else { (x, "") };
            let s = match ty {
                Some('e') => {
                    let s = format!("{:.*e}", precision.unwrap_or(6), x.abs());
                    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                    let (sg, d) = match e.strip_prefix('-') {
                        Some(d) => ('-', d),
                        None => ('+', e),
                    };
                    format!("{m}e{sg}{d:0>2}")
                }
                Some('g') | None if precision.is_none() => float_repr(x.abs()),
                Some('g') | None => format!("{:.*}", precision.unwrap_or(6).max(1) - 1, x.abs()),
                _ => format!("{:.*}", precision.unwrap_or(6), x.abs()),
            };
            let s = if comma {
                let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
                match frac {
                    Some(f) => format!("{}.{f}", group(int)),
                    None => group(int),
                }
            } else {
                s
            };
            (x.is_sign_negative() && x != 0.0, format!("{s}{suffix}"))
        }
        (None, other) => (false, other.to_str()),
        _ => return bad(),
    };
    let sign_str = match (neg, sign) {
        (true, _) => "-",
        (false, '+') => "+",
        (false, ' ') => " ",
        _ => "",
    };
    let len = sign_str.chars().count() + body.chars().count();
    let pad = width.saturating_sub(len);
    let is_num = !matches!(v, Value::Str(_));
    let align = align.unwrap_or(if is_num { '>' } else { '<' });
    let fills = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    Ok(match align {
        '<' => format!("{sign_str}{body}{}", fills(pad)),
        '^' => format!("{}{sign_str}{body}{}", fills(pad / 2), fills(pad - pad / 2)),
        '=' => format!("{sign_str}{}{body}", fills(pad)),
        _ => format!("{}{sign_str}{body}", fills(pad)),
    })
}

fn group(digits: &str) -> String {
    let mut out = String::new();
    let n = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"..." % args` with `%s %d %r %f %.Nf %%`.
pub(crate) fn percent_format(fmt: &str, args: &Value) -> Res<Value> {
    let args: Vec<Value> = match args {
        Value::Tuple(t) => t.to_vec(),
        v => vec![v.clone()],
    };
    let mut it = args.into_iter();
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(ty) = chars.next() else {
            return raise(ExcClass::ValueError, "incomplete format");
        };
        if ty == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = it.next() else {
            return raise(ExcClass::TypeError, "not enough arguments for format string");
        };
        let s = match ty {
            's' => v.to_str(),
            'r' => v.repr(),
            'd' | 'i' => match v.num() {
                Some(Num::Int(i)) => i.to_string(),
                Some(Num::Float(f)) => (f.trunc() as i64).to_string(),
                None => return raise(ExcClass::TypeError, "%d format: a real number is required"),
            },
            'f' => match v.as_f64() {
                Some(f) => {
                    let p = spec.split_once('.').and_then(|(_, p)| p.parse().ok()).unwrap_or(6usize);
                    format!("{f:.p$}", p = p.min(100))
                }
                None => return raise(ExcClass::TypeError, "%f format: a real number is required"),
            },
            other => return raise(ExcClass::ValueError, format!("unsupported format character '{other}'")),
        };
        let width: usize = spec
            .split('.')
            .next()
            .and_then(|w| w.trim_start_matches('-').parse().ok())
            .unwrap_or(0);
        let pad = width.min(10_000).saturating_sub(s.chars().count());
        if spec.starts_with('-') {
            out.push_str(&s);
            out.push_str(&" ".repeat(pad));
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&s);
        }
    }
    if it.next().is_some() {
        return raise(
            ExcClass::TypeError,
            "not all arguments converted during string formatting",
        );
    }
    Ok(Value::str(out))
}

// ------------------------------------------------------------ methods

/// `o.name` for a method of a built-in value.
pub(crate) fn method(o: &Value, name: &str) -> Option<Value> {
    const STR: &[&str] = &[
        "join",
        "split",
        "strip",
        "lstrip",
        "rstrip",
        "upper",
        "lower",
        "startswith",
        "endswith",
        "replace",
        "format",
        "find",
        "count",
        "ljust",
        "rjust",
        "center",
        "zfill",
        "title",
        "capitalize",
        "isdigit",
        "splitlines",
        "index",
    ];
    const LIST: &[&str] = &[
        "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy", "clear",
    ];
    const DICT: &[&str] = &[
        "get",
        "keys",
        "values",
        "items",
        "pop",
        "setdefault",
        "update",
        "copy",
        "clear",
    ];
    const TUPLE: &[&str] = &["index", "count"];
    let names = match o {
        Value::Str(_) => STR,
        Value::List(_) => LIST,
        Value::Dict(_) => DICT,
        Value::Tuple(_) => TUPLE,
        _ => return None,
    };
    let name = names.iter().find(|n| **n == name)?;
    Some(Value::Method(Rc::new((o.clone(), name))))
}

fn arg<'a>(args: &'a [Value], i: usize, f: &str) -> Res<&'a Value> {
    args.get(i).ok_or_else(|| {
        super::interp::Raise::Exc(super::value::ExcObj::new(
            ExcClass::TypeError,
            format!("{f}() missing a required argument (position {})", i + 1),
        ))
    })
}

fn want_str<'a>(v: &'a Value, f: &str) -> Res<&'a str> {
    match v {
        Value::Str(s) => Ok(s),
        other => raise(
            ExcClass::TypeError,
            format!("{f}() argument must be str, not {}", other.type_name()),
        ),
    }
}

pub(crate) fn want_int(v: &Value, f: &str) -> Res<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        other => raise(
            ExcClass::TypeError,
            format!(
                "{f}: '{}' object cannot be interpreted as an integer",
                other.type_name()
            ),
        ),
    }
}

fn kwarg(kw: &Kwargs, name: &str) -> Option<Value> {
    kw.iter().find(|(k, _)| &**k == name).map(|(_, v)| v.clone())
}

fn no_kwargs(kw: &Kwargs, f: &str) -> Res<()> {
    match kw.first() {
        Some((k, _)) => raise(
            ExcClass::TypeError,
            format!("{f}() got an unexpected keyword argument '{k}'"),
        ),
        None => Ok(()),
    }
}

/// Sorts `items` by `key` (a function or `None`), in place.
async fn sort_values(rt: &Rc<Rt>, items: &mut Vec<Value>, key: Option<Value>, reverse: bool, line: u32) -> Res<()> {
    let keys = match key {
        Some(k) if !matches!(k, Value::None) => {
            let mut keys = Vec::with_capacity(items.len());
            for v in items.iter() {
                keys.push(call(rt, k.clone(), vec![v.clone()], Vec::new(), line).await?);
            }
            keys
        }
        _ => items.clone(),
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    let mut failed = None;
    idx.sort_by(|&a, &b| match order(&keys[a], &keys[b]) {
        Some(o) => {
            if reverse {
                o.reverse()
            } else {
                o
            }
        }
        None => {
            failed = Some((keys[a].type_name(), keys[b].type_name()));
            Ordering::Equal
        }
    });
    if let Some((a, b)) = failed {
        return raise(
            ExcClass::TypeError,
            format!("'<' not supported between instances of '{a}' and '{b}'"),
        );
    }
    let sorted: Vec<Value> = idx.into_iter().map(|i| items[i].clone()).collect();
    *items = sorted;
    Ok(())
}

pub(crate) async fn call_method(
    rt: &Rc<Rt>,
    recv: &Value,
    name: &'static str,
    args: Vec<Value>,
    kw: Kwargs,
    line: u32,
) -> Res<Value> {
    match recv {
        Value::Aio(a) => return aio::call_method(rt, a, name, args, kw, line),
        Value::List(l) if name == "sort" => {
            let key = kwarg(&kw, "key");
            let reverse = kwarg(&kw, "reverse").is_some_and(|r| r.truthy());
            let mut items = l.borrow().clone();
            sort_values(rt, &mut items, key, reverse, line).await?;
            *l.borrow_mut() = items;
            return Ok(Value::None);
        }
        _ => {}
    }
    no_kwargs(&kw, name)?;
    match recv {
        Value::Str(s) => str_method(s, name, &args),
        Value::List(l) => list_method(l, name, args),
        Value::Dict(d) => dict_method(d, name, args),
        Value::Tuple(t) => match name {
            "index" => {
                let x = arg(&args, 0, name)?;
                match t.iter().position(|v| v.eq_value(x)) {
                    Some(i) => Ok(Value::Int(i as i64)),
                    None => raise(ExcClass::ValueError, "tuple.index(x): x not in tuple"),
                }
            }
            _ => {
                let x = arg(&args, 0, name)?;
                Ok(Value::Int(t.iter().filter(|v| v.eq_value(x)).count() as i64))
            }
        },
        other => raise(
            ExcClass::AttributeError,
            format!("'{}' object has no attribute '{name}'", other.type_name()),
        ),
    }
}

fn str_method(s: &Rc<str>, name: &str, args: &[Value]) -> Res<Value> {
    let s: &str = s;
    let opt_chars = |i: usize| -> Res<Option<&str>> {
        match args.get(i) {
            None | Some(Value::None) => Ok(None),
            Some(v) => want_str(v, name).map(Some),
        }
    };
    Ok(match name {
        "join" => {
            let items = match arg(args, 0, name)? {
                Value::List(l) => l.borrow().clone(),
                Value::Tuple(t) => t.to_vec(),
                other => return not_iterable(other),
            };
            let mut parts = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                match v {
                    Value::Str(x) => parts.push(x.to_string()),
                    other => {
                        return raise(
                            ExcClass::TypeError,
                            format!("sequence item {i}: expected str instance, {} found", other.type_name()),
                        );
                    }
                }
            }
            Value::str(parts.join(s))
        }
        "split" => {
            let parts: Vec<Value> = match opt_chars(0)? {
                None => s.split_whitespace().map(Value::str).collect(),
                Some("") => return raise(ExcClass::ValueError, "empty separator"),
                Some(sep) => s.split(sep).map(Value::str).collect(),
            };
            Value::list(parts)
        }
        "splitlines" => Value::list(s.lines().map(Value::str).collect()),
        "strip" => Value::str(match opt_chars(0)? {
            None => s.trim(),
            Some(c) => s.trim_matches(|x| c.contains(x)),
        }),
        "lstrip" => Value::str(match opt_chars(0)? {
            None => s.trim_start(),
            Some(c) => s.trim_start_matches(|x| c.contains(x)),
        }),
        "rstrip" => Value::str(match opt_chars(0)? {
            None => s.trim_end(),
            Some(c) => s.trim_end_matches(|x| c.contains(x)),
        }),
        "upper" => Value::str(s.to_uppercase()),
        "lower" => Value::str(s.to_lowercase()),
        "title" => Value::str(
            s.split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "capitalize" => {
            let mut c = s.chars();
            Value::str(match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        "isdigit" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())),
        "startswith" => Value::Bool(s.starts_with(want_str(arg(args, 0, name)?, name)?)),
        "endswith" => Value::Bool(s.ends_with(want_str(arg(args, 0, name)?, name)?)),
        "replace" => Value::str(s.replace(
            want_str(arg(args, 0, name)?, name)?,
            want_str(arg(args, 1, name)?, name)?,
        )),
        "find" | "index" => {
            let sub = want_str(arg(args, 0, name)?, name)?;
            match s.find(sub) {
                Some(b) => Value::Int(s[..b].chars().count() as i64),
                None if name == "find" => Value::Int(-1),
                None => return raise(ExcClass::ValueError, "substring not found"),
            }
        }
        "count" => {
            let sub = want_str(arg(args, 0, name)?, name)?;
            Value::Int(if sub.is_empty() {
                s.chars().count() as i64 + 1
            } else {
                s.matches(sub).count() as i64
            })
        }
        "ljust" | "rjust" | "center" | "zfill" => {
            let w = usize::try_from(want_int(arg(args, 0, name)?, name)?)
                .unwrap_or(0)
                .min(100_000);
            let fill = match args.get(1) {
                Some(Value::Str(f)) if f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
                _ => ' ',
            };
            let n = s.chars().count();
            let pad = w.saturating_sub(n);
            let f = |k: usize, c: char| std::iter::repeat_n(c, k).collect::<String>();
            Value::str(match name {
                "ljust" => format!("{s}{}", f(pad, fill)),
                "rjust" => format!("{}{s}", f(pad, fill)),
                "zfill" => format!("{}{s}", f(pad, '0')),
                _ => format!("{}{s}{}", f(pad / 2, fill), f(pad - pad / 2, fill)),
            })
        }
        "format" => {
            let mut out = String::new();
            let mut auto = 0usize;
            let mut rest = s;
            while let Some(i) = rest.find(['{', '}']) {
                out.push_str(&rest[..i]);
                let c = rest.as_bytes()[i];
                rest = &rest[i + 1..];
                if rest.as_bytes().first() == Some(&c) {
                    out.push(c as char);
                    rest = &rest[1..];
                    continue;
                }
                if c == b'}' {
                    return raise(ExcClass::ValueError, "Single '}' encountered in format string");
                }
                let Some(end) = rest.find('}') else {
                    return raise(ExcClass::ValueError, "Single '{' encountered in format string");
                };
                let field = &rest[..end];
                rest = &rest[end + 1..];
                let (idx, spec) = field.split_once(':').unwrap_or((field, ""));
                let k = if idx.is_empty() {
                    auto += 1;
                    auto - 1
                } else {
                    match idx.parse::<usize>() {
                        Ok(k) => k,
                        Err(_) => {
                            return raise(
                                ExcClass::ValueError,
                                "the composer's str.format takes {} and {0}; use an f-string for names",
                            );
                        }
                    }
                };
                let Some(v) = args.get(k) else {
                    return raise(
                        ExcClass::IndexError,
                        format!("Replacement index {k} out of range for positional args tuple"),
                    );
                };
                out.push_str(&format_value(v, spec)?);
            }
            out.push_str(rest);
            Value::str(out)
        }
        _ => {
            return raise(
                ExcClass::AttributeError,
                format!("'str' object has no attribute '{name}'"),
            );
        }
    })
}

fn list_method(l: &Rc<ListCell>, name: &str, args: Vec<Value>) -> Res<Value> {
    Ok(match name {
        "append" => {
            let v = arg(&args, 0, name)?.clone();
            let mut l = l.borrow_mut();
            if l.len() >= 1_000_000 {
                return raise(
                    ExcClass::OverflowError,
                    "list too long: the composer keeps values under a million items",
                );
            }
            l.push(v);
            Value::None
        }
        "extend" => {
            let items = match arg(&args, 0, name)? {
                Value::List(o) => o.borrow().clone(),
                Value::Tuple(t) => t.to_vec(),
                other => return not_iterable(other),
            };
            l.borrow_mut().extend(items);
            Value::None
        }
        "pop" => {
            let mut l = l.borrow_mut();
            if l.is_empty() {
                return raise(ExcClass::IndexError, "pop from empty list");
            }
            let k = match args.first() {
                Some(i) => index_of(l.len(), i, "pop")?,
                None => l.len() - 1,
            };
            l.remove(k)
        }
        "insert" => {
            let i = want_int(arg(&args, 0, name)?, name)?;
            let v = arg(&args, 1, name)?.clone();
            let mut l = l.borrow_mut();
            let n = l.len() as i64;
            let k = if i < 0 { (i + n).max(0) } else { i.min(n) };
            l.insert(k as usize, v);
            Value::None
        }
        "remove" => {
            let x = arg(&args, 0, name)?;
            let mut l = l.borrow_mut();
            match l.iter().position(|v| v.eq_value(x)) {
                Some(i) => {
                    l.remove(i);
                    Value::None
                }
                None => return raise(ExcClass::ValueError, "list.remove(x): x not in list"),
            }
        }
        "index" => {
            let x = arg(&args, 0, name)?;
            match l.borrow().iter().position(|v| v.eq_value(x)) {
                Some(i) => Value::Int(i as i64),
                None => return raise(ExcClass::ValueError, format!("{} is not in list", x.repr())),
            }
        }
        "count" => {
            let x = arg(&args, 0, name)?;
            Value::Int(l.borrow().iter().filter(|v| v.eq_value(x)).count() as i64)
        }
        "reverse" => {
            l.borrow_mut().reverse();
            Value::None
        }
        "copy" => Value::list(l.borrow().clone()),
        "clear" => {
            l.borrow_mut().clear();
            Value::None
        }
        _ => {
            return raise(
                ExcClass::AttributeError,
                format!("'list' object has no attribute '{name}'"),
            );
        }
    })
}

fn dict_method(d: &Rc<DictCell>, name: &str, args: Vec<Value>) -> Res<Value> {
    Ok(match name {
        "get" => {
            let k = arg(&args, 0, name)?;
            d.borrow()
                .get(k)
                .cloned()
                .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None))
        }
        "keys" => Value::list(d.borrow().pairs.iter().map(|(k, _)| k.clone()).collect()),
        "values" => Value::list(d.borrow().pairs.iter().map(|(_, v)| v.clone()).collect()),
        "items" => Value::list(
            d.borrow()
                .pairs
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
                .collect(),
        ),
        "pop" => {
            let k = arg(&args, 0, name)?;
            match d.borrow_mut().remove(k) {
                Some(v) => v,
                None => match args.get(1) {
                    Some(dflt) => dflt.clone(),
                    None => {
                        return Err(super::interp::Raise::Exc(super::value::ExcObj::with_args(
                            ExcClass::KeyError,
                            vec![k.clone()],
                        )));
                    }
                },
            }
        }
        "setdefault" => {
            let k = arg(&args, 0, name)?.clone();
            check_hashable(&k)?;
            let dflt = args.get(1).cloned().unwrap_or(Value::None);
            let existing = d.borrow().get(&k).cloned();
            match existing {
                Some(v) => v,
                None => {
                    d.borrow_mut().insert(k, dflt.clone());
                    dflt
                }
            }
        }
        "update" => {
            let other = match arg(&args, 0, name)? {
                Value::Dict(o) => o.borrow().pairs.clone(),
                other => {
                    return raise(
                        ExcClass::TypeError,
                        format!("'{}' object is not a mapping", other.type_name()),
                    );
                }
            };
            let mut d = d.borrow_mut();
            for (k, v) in other {
                d.insert(k, v);
            }
            Value::None
        }
        "copy" => Value::dict(d.borrow().clone()),
        "clear" => {
            d.borrow_mut().pairs.clear();
            Value::None
        }
        _ => {
            return raise(
                ExcClass::AttributeError,
                format!("'dict' object has no attribute '{name}'"),
            );
        }
    })
}

// ------------------------------------------------------------ builtins

fn to_int(v: &Value) -> Res<Value> {
    Ok(Value::Int(match v {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        Value::Float(f) => {
            if !f.is_finite() {
                return raise(
                    ExcClass::ValueError,
                    format!("cannot convert float {} to integer", float_repr(*f)),
                );
            }
            let t = f.trunc();
            if t.abs() >= 9.2e18 {
                return raise(
                    ExcClass::OverflowError,
                    "integer too large: the composer's integers are 64-bit",
                );
            }
            t as i64
        }
        Value::Str(s) => match s.trim().replace('_', "").parse::<i64>() {
            Ok(i) => i,
            Err(_) => {
                return raise(
                    ExcClass::ValueError,
                    format!(
                        "invalid literal for int() with base 10: {}",
                        Value::Str(Rc::clone(s)).repr()
                    ),
                );
            }
        },
        other => {
            return raise(
                ExcClass::TypeError,
                format!(
                    "int() argument must be a string or a number, not '{}'",
                    other.type_name()
                ),
            );
        }
    }))
}

fn to_float(v: &Value) -> Res<Value> {
    Ok(Value::Float(match v {
        Value::Str(s) => {
            let t = s.trim().to_lowercase();
            match t.as_str() {
                "inf" | "+inf" | "infinity" => f64::INFINITY,
                "-inf" | "-infinity" => f64::NEG_INFINITY,
                "nan" => f64::NAN,
                _ => match t.parse::<f64>() {
                    Ok(f) => f,
                    Err(_) => {
                        return raise(
                            ExcClass::ValueError,
                            format!("could not convert string to float: {}", Value::Str(Rc::clone(s)).repr()),
                        );
                    }
                },
            }
        }
        v => match v.as_f64() {
            Some(f) => f,
            None => {
                return raise(
                    ExcClass::TypeError,
                    format!(
                        "float() argument must be a string or a real number, not '{}'",
                        v.type_name()
                    ),
                );
            }
        },
    }))
}

fn round_value(v: &Value, nd: Option<&Value>) -> Res<Value> {
    let nd = match nd {
        None | Some(Value::None) => None,
        Some(n) => Some(want_int(n, "round")?),
    };
    match (v, nd) {
        (Value::Int(i), None) => Ok(Value::Int(*i)),
        (Value::Int(i), Some(n)) if n >= 0 => Ok(Value::Int(*i)),
        (v, nd) => {
            let Some(x) = v.as_f64() else {
                return raise(
                    ExcClass::TypeError,
                    format!("type {} doesn't define __round__ method", v.type_name()),
                );
            };
            match nd {
                None => {
                    if !x.is_finite() {
                        return raise(ExcClass::ValueError, "cannot convert float NaN or infinity to integer");
                    }
                    to_int(&Value::Float(x.round_ties_even()))
                }
                Some(n) => {
                    let p = 10f64.powi(i32::try_from(n.clamp(-300, 300)).unwrap_or(0));
                    let r = (x * p).round_ties_even() / p;
                    Ok(Value::Float(if r.is_finite() { r } else { x }))
                }
            }
        }
    }
}

fn isinstance(v: &Value, t: &Value) -> Res<bool> {
    Ok(match t {
        Value::Tuple(ts) => {
            for t in ts.iter() {
                if isinstance(v, t)? {
                    return Ok(true);
                }
            }
            false
        }
        Value::Class(c) => matches!(v, Value::Exc(e) if e.is(*c)),
        Value::Builtin(b) => match b {
            Builtin::Int => matches!(v, Value::Int(_) | Value::Bool(_)),
            Builtin::Float => matches!(v, Value::Float(_)),
            Builtin::Str => matches!(v, Value::Str(_)),
            Builtin::Bool => matches!(v, Value::Bool(_)),
            Builtin::List => matches!(v, Value::List(_)),
            Builtin::Tuple => matches!(v, Value::Tuple(_)),
            Builtin::Dict => matches!(v, Value::Dict(_)),
            _ => {
                return raise(
                    ExcClass::TypeError,
                    "isinstance() arg 2 must be a type or tuple of types",
                );
            }
        },
        _ => {
            return raise(
                ExcClass::TypeError,
                "isinstance() arg 2 must be a type or tuple of types",
            );
        }
    })
}

async fn min_max(rt: &Rc<Rt>, name: &str, args: Vec<Value>, kw: &Kwargs, line: u32, want: Ordering) -> Res<Value> {
    let items = if args.len() == 1 {
        collect(rt, &args[0]).await?
    } else {
        args
    };
    if items.is_empty() {
        return match kwarg(kw, "default") {
            Some(d) => Ok(d),
            None => raise(ExcClass::ValueError, format!("{name}() arg is an empty sequence")),
        };
    }
    let key = kwarg(kw, "key").filter(|k| !matches!(k, Value::None));
    let mut best = 0;
    let mut best_key = match &key {
        Some(k) => call(rt, k.clone(), vec![items[0].clone()], Vec::new(), line).await?,
        None => items[0].clone(),
    };
    for (i, v) in items.iter().enumerate().skip(1) {
        let k = match &key {
            Some(k) => call(rt, k.clone(), vec![v.clone()], Vec::new(), line).await?,
            None => v.clone(),
        };
        match order(&k, &best_key) {
            Some(o) if o == want => {
                best = i;
                best_key = k;
            }
            Some(_) => {}
            None => {
                return raise(
                    ExcClass::TypeError,
                    format!(
                        "'<' not supported between instances of '{}' and '{}'",
                        k.type_name(),
                        best_key.type_name()
                    ),
                );
            }
        }
    }
    Ok(items[best].clone())
}

/// Prints `text` for the task being run.
pub(crate) fn print_line(rt: &Rt, text: String) {
    let task = rt.current_task().and_then(|t| aio::task_name(&t));
    rt.host.recorder().event(crate::trace::EventKind::Log {
        text: text.clone().into(),
    });
    rt.printed.borrow_mut().push(Printed {
        at: rt.host.now(),
        task,
        text,
    });
}

fn random_f64(rt: &Rt) -> f64 {
    (rt.host.random() >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) async fn call_builtin(rt: &Rc<Rt>, b: Builtin, args: Vec<Value>, kw: Kwargs, line: u32) -> Res<Value> {
    use Builtin as B;
    let name = b.name();
    match b {
        B::Print => {
            let sep = kwarg(&kw, "sep").map_or_else(|| " ".to_owned(), |s| s.to_str());
            let end = kwarg(&kw, "end").map_or_else(|| "\n".to_owned(), |s| s.to_str());
            let mut text = args.iter().map(Value::to_str).collect::<Vec<_>>().join(&sep);
            text.push_str(&end);
            let text = text.strip_suffix('\n').unwrap_or(&text).to_owned();
            print_line(rt, text);
            Ok(Value::None)
        }
        B::Sorted => {
            let mut items = collect(rt, arg(&args, 0, name)?).await?;
            let reverse = kwarg(&kw, "reverse").is_some_and(|r| r.truthy());
            sort_values(rt, &mut items, kwarg(&kw, "key"), reverse, line).await?;
            Ok(Value::list(items))
        }
        B::Min => min_max(rt, name, args, &kw, line, Ordering::Less).await,
        B::Max => min_max(rt, name, args, &kw, line, Ordering::Greater).await,
        B::Map => {
            let f = arg(&args, 0, name)?.clone();
            let items = collect(rt, arg(&args, 1, name)?).await?;
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                out.push(call(rt, f.clone(), vec![v], Vec::new(), line).await?);
            }
            Ok(Value::list(out))
        }
        B::Filter => {
            let f = arg(&args, 0, name)?.clone();
            let items = collect(rt, arg(&args, 1, name)?).await?;
            let mut out = Vec::new();
            for v in items {
                let keep = if matches!(f, Value::None) {
                    v.truthy()
                } else {
                    call(rt, f.clone(), vec![v.clone()], Vec::new(), line).await?.truthy()
                };
                if keep {
                    out.push(v);
                }
            }
            Ok(Value::list(out))
        }
        B::Sum => {
            let items = collect(rt, arg(&args, 0, name)?).await?;
            let mut acc = args.get(1).cloned().unwrap_or(Value::Int(0));
            for v in items {
                acc = super::interp::binop(super::ast::BinOp::Add, acc, v)?;
            }
            Ok(acc)
        }
        B::List | B::Tuple => {
            let items = match args.first() {
                Some(v) => collect(rt, v).await?,
                None => Vec::new(),
            };
            Ok(if b == B::List {
                Value::list(items)
            } else {
                Value::tuple(items)
            })
        }
        B::Dict => {
            let mut d = Dict::default();
            if let Some(v) = args.first() {
                match v {
                    Value::Dict(o) => d = o.borrow().clone(),
                    v => {
                        for pair in collect(rt, v).await? {
                            let kv = collect(rt, &pair).await?;
                            let [k, v] = <[Value; 2]>::try_from(kv).map_err(|_| {
                                super::interp::Raise::Exc(super::value::ExcObj::new(
                                    ExcClass::ValueError,
                                    "dictionary update sequence element has the wrong length; 2 is required",
                                ))
                            })?;
                            check_hashable(&k)?;
                            d.insert(k, v);
                        }
                    }
                }
            }
            for (k, v) in kw {
                d.insert(Value::Str(k), v);
            }
            Ok(Value::dict(d))
        }
        B::Enumerate => {
            let items = collect(rt, arg(&args, 0, name)?).await?;
            let start = match args.get(1).or(kwarg(&kw, "start").as_ref()) {
                Some(s) => want_int(s, name)?,
                None => 0,
            };
            Ok(Value::list(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| Value::tuple(vec![Value::Int(start + i as i64), v]))
                    .collect(),
            ))
        }
        B::Zip => {
            let mut cols = Vec::with_capacity(args.len());
            for a in &args {
                cols.push(collect(rt, a).await?);
            }
            let n = cols.iter().map(Vec::len).min().unwrap_or(0);
            Ok(Value::list(
                (0..n)
                    .map(|i| Value::tuple(cols.iter().map(|c| c[i].clone()).collect()))
                    .collect(),
            ))
        }
        B::Reversed => {
            let mut items = collect(rt, arg(&args, 0, name)?).await?;
            items.reverse();
            Ok(Value::list(items))
        }
        B::Any | B::All => {
            let items = collect(rt, arg(&args, 0, name)?).await?;
            Ok(Value::Bool(if b == B::Any {
                items.iter().any(Value::truthy)
            } else {
                items.iter().all(Value::truthy)
            }))
        }
        B::Run => aio::call_run(rt, &args, line).await,
        B::Sleep
        | B::CreateTask
        | B::EnsureFuture
        | B::Gather
        | B::Wait
        | B::WaitFor
        | B::Timeout
        | B::AsCompleted
        | B::Shield
        | B::TaskGroup
        | B::CurrentTask
        | B::AllTasks
        | B::GetRunningLoop
        | B::Semaphore
        | B::BoundedSemaphore
        | B::Lock
        | B::Event
        | B::Condition
        | B::Queue
        | B::ClientSession
        | B::ClientTimeout
        | B::AsyncContextManager => aio::call_asyncio(rt, b, args, kw, line),
        _ => {
            no_kwargs(&kw, name)?;
            call_plain(rt, b, &args)
        }
    }
}

/// The builtins that take positional arguments only and never call back.
fn call_plain(rt: &Rc<Rt>, b: Builtin, args: &[Value]) -> Res<Value> {
    use Builtin as B;
    let name = b.name();
    Ok(match b {
        B::Len => {
            let v = arg(args, 0, name)?;
            Value::Int(match v {
                Value::Str(s) => s.chars().count() as i64,
                Value::List(l) => l.borrow().len() as i64,
                Value::Tuple(t) => t.len() as i64,
                Value::Dict(d) => d.borrow().pairs.len() as i64,
                Value::Range(..) => v.range_len(),
                Value::Aio(a) => match aio::len(a) {
                    Some(n) => n,
                    None => {
                        return raise(
                            ExcClass::TypeError,
                            format!("object of type '{}' has no len()", v.type_name()),
                        );
                    }
                },
                other => {
                    return raise(
                        ExcClass::TypeError,
                        format!("object of type '{}' has no len()", other.type_name()),
                    );
                }
            })
        }
        B::Range => {
            let ints: Vec<i64> = args.iter().map(|a| want_int(a, "range")).collect::<Res<_>>()?;
            let (a, b_, c) = match ints.as_slice() {
                [b_] => (0, *b_, 1),
                [a, b_] => (*a, *b_, 1),
                [a, b_, c] => (*a, *b_, *c),
                _ => {
                    return raise(
                        ExcClass::TypeError,
                        format!("range expected 1 to 3 arguments, got {}", args.len()),
                    );
                }
            };
            if c == 0 {
                return raise(ExcClass::ValueError, "range() arg 3 must not be zero");
            }
            Value::Range(a, b_, c)
        }
        B::Abs => match arg(args, 0, name)?.num() {
            Some(Num::Int(i)) => Value::Int(i.checked_abs().ok_or_else(|| {
                super::interp::Raise::Exc(super::value::ExcObj::new(ExcClass::OverflowError, "integer too large"))
            })?),
            Some(Num::Float(f)) => Value::Float(f.abs()),
            None => {
                return raise(
                    ExcClass::TypeError,
                    format!("bad operand type for abs(): '{}'", args[0].type_name()),
                );
            }
        },
        B::Round => round_value(arg(args, 0, name)?, args.get(1))?,
        B::Str => Value::str(args.first().map(Value::to_str).unwrap_or_default()),
        B::Repr => Value::str(arg(args, 0, name)?.repr()),
        B::Int => match args.first() {
            Some(v) => to_int(v)?,
            None => Value::Int(0),
        },
        B::Float => match args.first() {
            Some(v) => to_float(v)?,
            None => Value::Float(0.0),
        },
        B::Bool => Value::Bool(args.first().is_some_and(Value::truthy)),
        B::Isinstance => Value::Bool(isinstance(arg(args, 0, name)?, arg(args, 1, name)?)?),
        B::Type => match arg(args, 0, name)? {
            Value::Exc(e) => Value::Class(e.class),
            Value::Int(_) => Value::Builtin(B::Int),
            Value::Float(_) => Value::Builtin(B::Float),
            Value::Str(_) => Value::Builtin(B::Str),
            Value::Bool(_) => Value::Builtin(B::Bool),
            Value::List(_) => Value::Builtin(B::List),
            Value::Tuple(_) => Value::Builtin(B::Tuple),
            Value::Dict(_) => Value::Builtin(B::Dict),
            other => Value::str(other.type_name()),
        },
        B::Hasattr => {
            let o = arg(args, 0, name)?;
            let n = want_str(arg(args, 1, name)?, name)?;
            Value::Bool(super::interp::getattr(rt, o, n).is_ok())
        }
        B::Getattr => {
            let o = arg(args, 0, name)?;
            let n = want_str(arg(args, 1, name)?, name)?;
            match super::interp::getattr(rt, o, n) {
                Ok(v) => v,
                Err(e) => match args.get(2) {
                    Some(d) => d.clone(),
                    None => return Err(e),
                },
            }
        }
        B::Id => Value::Int(match arg(args, 0, name)? {
            Value::Aio(a) => Rc::as_ptr(a) as usize as i64,
            Value::List(l) => Rc::as_ptr(l) as usize as i64,
            Value::Dict(d) => Rc::as_ptr(d) as usize as i64,
            _ => 0,
        }),
        B::Random => Value::Float(random_f64(rt)),
        B::Uniform => {
            let a = arg(args, 0, name)?.as_f64().unwrap_or(0.0);
            let b_ = arg(args, 1, name)?.as_f64().unwrap_or(0.0);
            Value::Float(a + (b_ - a) * random_f64(rt))
        }
        B::Randint => {
            let a = want_int(arg(args, 0, name)?, name)?;
            let b_ = want_int(arg(args, 1, name)?, name)?;
            if b_ < a {
                return raise(ExcClass::ValueError, format!("empty range in randint({a}, {b_})"));
            }
            let span = (b_ as i128 - a as i128 + 1) as u128;
            Value::Int((a as i128 + (u128::from(rt.host.random()) % span) as i128) as i64)
        }
        B::Choice => {
            let items = match arg(args, 0, name)? {
                Value::List(l) => l.borrow().clone(),
                Value::Tuple(t) => t.to_vec(),
                Value::Str(s) => s.chars().map(|c| Value::str(c.to_string())).collect(),
                other => return not_iterable(other),
            };
            if items.is_empty() {
                return raise(ExcClass::IndexError, "Cannot choose from an empty sequence");
            }
            let k = (rt.host.random() % items.len() as u64) as usize;
            items[k].clone()
        }
        B::Shuffle => {
            if let Value::List(l) = arg(args, 0, name)? {
                let mut l = l.borrow_mut();
                for i in (1..l.len()).rev() {
                    let j = (rt.host.random() % (i as u64 + 1)) as usize;
                    l.swap(i, j);
                }
            }
            Value::None
        }
        B::Seed => Value::None,
        B::Monotonic | B::TimeTime | B::Perf => Value::Float(rt.host.now().as_secs_f64()),
        B::TimeSleep => {
            let s = arg(args, 0, name)?.as_f64().unwrap_or(0.0);
            if !(0.0..=3600.0).contains(&s) {
                return raise(
                    ExcClass::ValueError,
                    "time.sleep() takes 0 to 3600 seconds in the composer",
                );
            }
            rt.host.block_for(Duration::from_secs_f64(s));
            Value::None
        }
        B::Floor | B::Ceil | B::Sqrt => {
            let x = arg(args, 0, name)?.as_f64().ok_or_else(|| {
                super::interp::Raise::Exc(super::value::ExcObj::new(ExcClass::TypeError, "must be real number"))
            })?;
            match b {
                B::Floor => to_int(&Value::Float(x.floor()))?,
                B::Ceil => to_int(&Value::Float(x.ceil()))?,
                _ => {
                    if x < 0.0 {
                        return raise(ExcClass::ValueError, "math domain error");
                    }
                    Value::Float(x.sqrt())
                }
            }
        }
        _ => return raise(ExcClass::TypeError, format!("{name}() cannot be called like this")),
    })
}
