//! Tests of parameter specs, pairs and declarations.

use std::time::Duration;

use super::*;

const JOBS: ParamSpec = ParamSpec {
    name: "jobs",
    label: "Jobs",
    kind: ParamKind::Int { min: 1, max: 50 },
    default: "2",
    when: None,
};
const MODE: ParamSpec = ParamSpec {
    name: "mode",
    label: "Mode",
    kind: ParamKind::Choice(&["a", "b"]),
    default: "b",
    when: None,
};

const OUTCOMES: ParamSpec = ParamSpec {
    name: "outcomes",
    label: "Outcomes",
    kind: ParamKind::ChoiceList {
        choices: &["ok", "fail"],
        max_len: 5,
    },
    default: "ok",
    when: None,
};
const AT: ParamSpec = ParamSpec {
    name: "at",
    label: "At",
    kind: ParamKind::TimeOfDay,
    default: "09:00",
    when: None,
};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn bad_values_name_the_range() {
    let cases = [
        ("0", "jobs must be a whole number from 1 to 50; got 0"),
        ("51", "jobs must be a whole number from 1 to 50; got 51"),
        ("-3", "jobs must be a whole number from 1 to 50; got -3"),
        (
            "99999999999999999999999",
            "jobs must be a whole number from 1 to 50; got 99999999999999999999999",
        ),
        (
            "two",
            "jobs must be a whole number from 1 to 50; got \"two\", which is not a whole number",
        ),
        (
            "1.5",
            "jobs must be a whole number from 1 to 50; got \"1.5\", which is not a whole number",
        ),
        ("", "jobs must be a whole number from 1 to 50; it is empty"),
    ];
    for (raw, want) in cases {
        assert_eq!(
            JOBS.check(raw).map_err(|e| e.message),
            Err(want.to_string()),
            "input {raw:?}"
        );
    }
    assert_eq!(JOBS.check(" 50 "), Ok(Value::Int(50)));
    assert_eq!(
        MODE.check("c").map_err(|e| e.message),
        Err("mode must be one of a, b; got \"c\"".to_string())
    );
}

#[test]
fn parse_fills_defaults_and_reports_every_error() {
    assert_eq!(
        parse(&[JOBS, MODE], &pairs(&[("mode", "a")])),
        Ok(vec![Value::Int(2), Value::Choice("a")])
    );
    let errs = parse(&[JOBS, MODE], &pairs(&[("jobs", "0"), ("speed", "1"), ("mode", "x")])).expect_err("refused");
    let names: Vec<_> = errs.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["jobs", "speed", "mode"]);
    assert_eq!(errs[1].message, "unknown parameter speed; this demo takes jobs, mode");
    let dup = parse(&[JOBS], &pairs(&[("jobs", "1"), ("jobs", "2")])).expect_err("refused");
    assert_eq!(dup[0].message, "jobs is given more than once");
}

#[test]
fn lists_and_times_of_day() {
    let counts = ParamSpec {
        name: "counts",
        label: "Counts",
        kind: ParamKind::IntList {
            min: 1,
            max: 10,
            max_len: 3,
        },
        default: "5,3",
        when: None,
    };
    assert_eq!(counts.check(" 5, 3 ,2 "), Ok(Value::Ints(vec![5, 3, 2])));
    assert_eq!(
        counts.check("1,2,3,4").map_err(|e| e.message),
        Err("counts must be a comma-separated list of 1 to 3 whole numbers, each from 1 to 10; got 4 items".into())
    );
    assert_eq!(
        counts.check("1,,2").map_err(|e| e.message),
        Err("counts must be a comma-separated list of 1 to 3 whole numbers, each from 1 to 10; item 2 is empty".into())
    );
    let outcomes = OUTCOMES;
    assert_eq!(outcomes.check("fail,ok"), Ok(Value::Choices(vec!["fail", "ok"])));
    assert!(outcomes.check("fail,maybe").is_err());
    let at = AT;
    assert_eq!(at.check("09:30"), Ok(Value::Int(570)));
    assert_eq!(at.check("23:59"), Ok(Value::Int(1439)));
    assert_eq!(
        at.check("24:00").map_err(|e| e.message),
        Err("at must be a time of day from 00:00 to 23:59; got \"24:00\"".into())
    );
}

#[test]
fn typed_params_read_and_write_back() {
    let fail: Param<Option<u32>> = int("fail", "Fail", 0..=9, "0");
    let at: Param<Duration> = time_of_day("at", "At", "09:00");
    let limit: Param<Option<Duration>> = ms("limit_ms", "Limit", 0..=100, "0");
    let read = |p: &ParamSpec, raw: &str| p.check(raw).expect("allowed");
    assert_eq!(fail.read(Some(&read(&fail.spec, "0"))), Ok(None));
    assert_eq!(fail.read(Some(&read(&fail.spec, "4"))), Ok(Some(4)));
    assert_eq!(fail.write(&Some(4)), "4");
    assert_eq!(fail.write(&None), "0");
    assert_eq!(
        at.read(Some(&read(&at.spec, "23:59"))),
        Ok(Duration::from_secs(1439 * 60))
    );
    assert_eq!(at.write(&Duration::from_secs(570 * 60)), "09:30");
    assert_eq!(limit.read(Some(&read(&limit.spec, "0"))), Ok(None));
    assert_eq!(limit.write(&Some(Duration::from_millis(70))), "70");
    let wrong = fail.read(Some(&Value::Choice("x"))).expect_err("another kind");
    assert_eq!(wrong[0].name, "fail");
    assert_eq!(fail.given(&pairs(&[("fail", "3")])), Some(Some(3)));
    assert_eq!(fail.given(&[]), Some(None));
    assert_eq!(fail.given(&pairs(&[("fail", "10")])), None);
}

#[test]
fn a_repeated_name_is_refused_by_name() {
    let refused =
        unique_pairs(pairs(&[("jobs", "1"), ("mode", "a"), ("jobs", "2"), ("jobs", "3")])).expect_err("refused");
    assert_eq!(
        refused,
        [ParamError {
            name: "jobs".into(),
            message: "jobs is given more than once".into(),
            message_zh: "jobs 给出了不止一次".into(),
        }]
    );
    assert_eq!(
        unique_pairs([("jobs", "1"), ("mode", "a")]),
        Ok(pairs(&[("jobs", "1"), ("mode", "a")]))
    );
    let errs = parse(&[JOBS, MODE], &pairs(&[("mode", "x"), ("jobs", "1"), ("jobs", "0")])).expect_err("refused");
    let messages: Vec<_> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["jobs is given more than once", "mode must be one of a, b; got \"x\""]
    );
}

#[test]
fn unknown_names_are_refused() {
    let errs = parse(&[JOBS], &pairs(&[("jobs", "1"), ("colour", "red")])).expect_err("refused");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].name, "colour");
    assert_eq!(errs[0].message, "unknown parameter colour; this demo takes jobs");
}

#[test]
fn query_round_trips() {
    let q = to_query(&[("jobs", "3"), ("name", "a b&c=%")]);
    assert_eq!(q, "jobs=3&name=a+b%26c%3D%25");
    assert_eq!(pairs_from_query(&q), pairs(&[("jobs", "3"), ("name", "a b&c=%")]));
    assert_eq!(
        pairs_from_query("a=1+2&&b&c=%zz&d=%4&e=5%2C3,2&a=9"),
        pairs(&[
            ("a", "1 2"),
            ("b", ""),
            ("c", "%zz"),
            ("d", "%4"),
            ("e", "5,3,2"),
            ("a", "9")
        ])
    );
}

#[test]
fn names_match_whatever_their_case_and_hours_may_have_one_digit() {
    assert_eq!(MODE.check("B"), Ok(Value::Choice("b")));
    let outcomes = OUTCOMES;
    assert_eq!(outcomes.check("OK, Fail"), Ok(Value::Choices(vec!["ok", "fail"])));
    let at = AT;
    assert_eq!(at.check("9:00"), Ok(Value::Int(540)));
    assert_eq!(at.check("0:05"), Ok(Value::Int(5)));
    for bad in ["9:0", "123:00", ":00", "9:000", "9"] {
        assert!(at.check(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_parameter_applies_while_its_condition_holds() {
    let network: Param<bool> = flag("network", "Network", "false").when("mode", &["b"]);
    let specs = [MODE, network.spec];
    let with = |mode: Option<Value>| vec![mode, Some(Value::Choice("false"))];
    assert!(applies(&specs, &with(Some(Value::Choice("b"))), 1));
    assert!(!applies(&specs, &with(Some(Value::Choice("a"))), 1));
    assert!(applies(&specs, &with(None), 1), "a bad value hides nothing");
    assert!(applies(&specs, &with(Some(Value::Choice("a"))), 0));
    let unless: Param<u32> = int("at", "At", 0..=9, "1").unless("jobs", &["0"]);
    let when = unless.spec.when.expect("a condition");
    assert!(!when.holds(Some(&Value::Int(0))));
    assert!(when.holds(Some(&Value::Int(3))));
}

#[test]
fn a_broken_rule_is_an_error_named_by_its_first_field() {
    const RULES: &[CrossRule] = &[CrossRule {
        fields: &["mode", "jobs"],
        check: |v| match v {
            [Value::Choice("a"), Value::Int(n)] if *n > 3 => Err(crate::Bilingual::new(
                format!("with mode a, jobs must be at most 3; got {n}"),
                format!("mode 为 a 时，jobs 最多为 3；收到 {n}"),
            )),
            _ => Ok(()),
        },
    }];
    let specs = [JOBS, MODE];
    let errors = broken_rules(&specs, RULES, &[Value::Int(5), Value::Choice("a")]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].name, "mode");
    assert_eq!(errors[0].message, "with mode a, jobs must be at most 3; got 5");
    assert_eq!(errors[0].message_zh, "mode 为 a 时，jobs 最多为 3；收到 5");
    assert!(broken_rules(&specs, RULES, &[Value::Int(3), Value::Choice("a")]).is_empty());
    assert_eq!(
        RULES[0].broken(&specs, &[None, Some(Value::Choice("a"))]),
        None,
        "not judged without every value"
    );
}

#[test]
fn messages_quote_at_most_40_characters_escaped_and_name_a_maximum() {
    let huge = "9".repeat(45);
    let err = JOBS.check(&huge).expect_err("too large");
    assert!(
        err.message.contains("which is too large: the maximum is 50"),
        "{}",
        err.message
    );
    let long = "x".repeat(100_000);
    let err = JOBS.check(&long).expect_err("letters");
    assert!(err.message.len() < 200, "a short message: {} bytes", err.message.len());
    assert!(err.message.contains("(100000 characters)"), "{}", err.message);
    let err = JOBS.check("\u{1b}[31mred").expect_err("an escape code");
    assert!(
        !err.message.contains('\u{1b}'),
        "no terminal escape passes: {:?}",
        err.message
    );
    assert!(err.message.contains("\\u{1b}"), "{}", err.message);
    assert_eq!(quoted("ok"), "\"ok\"");
}

#[test]
fn the_allowed_values_read_in_chinese_too() {
    assert_eq!(JOBS.allowed_zh(), "1 到 50 的整数");
    assert!(!JOBS.allowed_zh().contains("whole number"));
}

/// Every kind of refusal, in Chinese: the parameter's name, what is
/// allowed with the same numbers and names as in English, and why; no
/// English word is left but the names and values themselves.
#[test]
fn every_refusal_reads_in_chinese_with_the_same_range() {
    let counts = ParamSpec {
        name: "counts",
        label: "Counts",
        kind: ParamKind::IntList {
            min: 1,
            max: 10,
            max_len: 3,
        },
        default: "5,3",
        when: None,
    };
    let zh = |spec: &ParamSpec, raw: &str| spec.check(raw).expect_err("refused").message_zh;
    let cases = [
        (zh(&JOBS, "0"), "jobs 必须是 1 到 50 的整数；收到 0"),
        (zh(&JOBS, "-3"), "jobs 必须是 1 到 50 的整数；收到 -3"),
        (zh(&JOBS, ""), "jobs 必须是 1 到 50 的整数；值为空"),
        (zh(&JOBS, "two"), "jobs 必须是 1 到 50 的整数；收到 \"two\"，不是整数"),
        (
            zh(&JOBS, "99999999999999999999999"),
            "jobs 必须是 1 到 50 的整数；收到 99999999999999999999999",
        ),
        (
            zh(&JOBS, &"9".repeat(45)),
            "jobs 必须是 1 到 50 的整数；收到 \"9999999999999999999999999999999999999999…\"（共 45 个字符），太大了：最大是 50",
        ),
        (zh(&MODE, "c"), "mode 必须是以下之一：a、b；收到 \"c\""),
        (
            zh(&counts, "1,2,3,4"),
            "counts 必须是逗号分隔的 1 到 3 个整数，每个在 1 到 10 之间；收到 4 项",
        ),
        (
            zh(&counts, "1,,2"),
            "counts 必须是逗号分隔的 1 到 3 个整数，每个在 1 到 10 之间；第 2 项为空",
        ),
        (
            zh(&counts, "1,11"),
            "counts 必须是逗号分隔的 1 到 3 个整数，每个在 1 到 10 之间；第 2 项是 \"11\"",
        ),
        (
            zh(&OUTCOMES, "ok,maybe"),
            "outcomes 必须是逗号分隔的 1 到 5 项，每项为以下之一：ok、fail；第 2 项是 \"maybe\"",
        ),
        (zh(&AT, "24:00"), "at 必须是 00:00 到 23:59 之间的时刻；收到 \"24:00\""),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    let errs = parse(&[JOBS, MODE], &pairs(&[("speed", "1"), ("mode", "a"), ("mode", "b")])).expect_err("refused");
    let zh: Vec<&str> = errs.iter().map(|e| e.message_zh.as_str()).collect();
    assert_eq!(
        zh,
        [
            "mode 给出了不止一次",
            "未知参数 \"speed\"；本演示接受的参数是 jobs、mode"
        ]
    );
    let wrong = int::<u32>("fail", "Fail", 0..=9, "0")
        .read(Some(&Value::Choice("x")))
        .expect_err("another kind");
    assert_eq!(wrong[0].message_zh, "fail 必须是 0 到 9 的整数；它的值无法读取");
    assert_eq!(
        quoted_zh(&"x".repeat(41)),
        format!("\"{}…\"（共 41 个字符）", "x".repeat(40))
    );
    assert_eq!(quoted_zh("ok"), quoted("ok"));
}
