"""On-request disclosure (依申请公开) as rules: states, actions, channels, answer types. Pure: no Django.

政府信息公开条例 (2019):

- 第二十九条: a request names the applicant, how to reach them, the information sought and the
  form it is wanted in;
- 第三十条: an unclear request gets **one** request to clarify (补正) within 7 working days; the
  reply period restarts when the clarification arrives; none within the time given → deemed
  withdrawn (视为放弃申请);
- 第三十一条: the receipt date — in person: the day handed in; by post: the day signed for;
  online: the day confirmed;
- 第三十二条: a third party is consulted in writing and has 15 working days to answer; the time is
  not counted;
- 第三十三条: reply within 20 working days, + at most 20 once with the head of the disclosure
  office's consent;
- 第三十六条: the answer types;
- 第四十二条: no fee, except a processing fee for excessive requests (``fee_rules``): while the
  applicant pays, the request waits (待缴费) and the clock is paused;
- 第五十一条: the applicant may apply for administrative reconsideration or sue.

The clock itself is the working-day engine's (``onewindow.workdays.disclosure``); this module only
names things and holds the lifecycle table.
"""

from __future__ import annotations

from enum import StrEnum

from onewindow.lifecycle.transitions import Move, TransitionTable


class State(StrEnum):
    RECEIVED = "received"  # the reply clock runs
    AWAITING_CLARIFICATION = "awaiting_clarification"  # 待申请人补正: the clock waits for the clarified request
    CONSULTING = "consulting"  # 征求第三方意见: the clock is paused (Art. 32)
    AWAITING_FEE = "awaiting_fee"  # 待缴纳信息处理费: the clock is paused (国办函〔2020〕109号)
    REPLIED = "replied"
    WITHDRAWN = "withdrawn"  # withdrawn, or deemed withdrawn without a clarification (Art. 30)


STATE_LABELS: dict[State, str] = {
    State.RECEIVED: "办理中",
    State.AWAITING_CLARIFICATION: "待补正",
    State.CONSULTING: "征求第三方意见",
    State.AWAITING_FEE: "待缴费",
    State.REPLIED: "已答复",
    State.WITHDRAWN: "已撤回",
}


class Action(StrEnum):
    FILE = "file"
    REQUEST_CLARIFICATION = "request_clarification"
    RECEIVE_CLARIFICATION = "receive_clarification"
    DEEM_WITHDRAWN = "deem_withdrawn"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    EXTEND = "extend"
    REPLY = "reply"
    WITHDRAW = "withdraw"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    FEE_WAIVE = "fee_waive"


_OPEN = frozenset({State.RECEIVED, State.AWAITING_CLARIFICATION, State.CONSULTING, State.AWAITING_FEE})
_HANDLING = frozenset({State.RECEIVED, State.CONSULTING})

# The permissions are values of organization.permissions.Action (pages list what an actor may do);
# the services check them against the request's region and department.
TABLE: TransitionTable[State, Action] = TransitionTable(
    name="disclosure",
    noun="政府信息公开申请",
    moves={
        Action.FILE: Move(frozenset({None}), State.RECEIVED, "case.submit", "登记申请"),
        Action.REQUEST_CLARIFICATION: Move(frozenset({State.RECEIVED}), State.AWAITING_CLARIFICATION,
                                           "case.review", "告知补正"),
        Action.RECEIVE_CLARIFICATION: Move(frozenset({State.AWAITING_CLARIFICATION}), State.RECEIVED,
                                           "case.review", "登记补正"),
        Action.DEEM_WITHDRAWN: Move(frozenset({State.AWAITING_CLARIFICATION, State.AWAITING_FEE}),
                                    State.WITHDRAWN, "case.review", "视为放弃申请"),
        Action.START_CONSULTATION: Move(frozenset({State.RECEIVED}), State.CONSULTING,
                                       "case.review", "征求第三方意见"),
        Action.END_CONSULTATION: Move(frozenset({State.CONSULTING}), State.RECEIVED,
                                     "case.review", "登记第三方意见"),
        Action.EXTEND: Move(_HANDLING, None, "case.grant_extension", "延长答复期限"),
        Action.REPLY: Move(_HANDLING, State.REPLIED, "case.review", "作出答复"),
        Action.WITHDRAW: Move(_OPEN, State.WITHDRAWN, "case.review", "登记撤回申请"),
        Action.FEE_NOTICE: Move(frozenset({State.RECEIVED}), State.AWAITING_FEE, "case.review", "发出收费通知"),
        Action.FEE_PAID: Move(frozenset({State.AWAITING_FEE}), State.RECEIVED, "case.review", "登记缴费"),
        # Waiving money the measures let the agency charge is the responsible person's decision.
        Action.FEE_WAIVE: Move(frozenset({State.AWAITING_FEE}), State.RECEIVED, "case.grant_extension",
                               "减免信息处理费"),
    },
    state_labels=STATE_LABELS,
    terminal=frozenset({State.REPLIED, State.WITHDRAWN}),
)

ACTION_LABELS: dict[Action, str] = {a: TABLE.move(a).label for a in Action}


class Channel(StrEnum):
    ONLINE = "online"
    POST = "post"
    IN_PERSON = "in_person"


CHANNEL_LABELS: dict[Channel, str] = {Channel.ONLINE: "网上申请", Channel.POST: "信函申请", Channel.IN_PERSON: "当面申请"}

# 第三十一条: what the receipt date is, per channel (shown with the date).
RECEIPT_RULES: dict[Channel, str] = {
    Channel.ONLINE: "网上申请以双方确认之日为收到申请之日（政府信息公开条例 第三十一条第三项）",
    Channel.POST: "以邮寄方式提交的，以行政机关签收之日为收到申请之日（政府信息公开条例 第三十一条第二项）",
    Channel.IN_PERSON: "当面提交的，以提交之日为收到申请之日（政府信息公开条例 第三十一条第一项）",
}


class ApplicantKind(StrEnum):
    PERSON = "person"  # 自然人
    ORGANIZATION = "organization"  # 法人或者其他组织


APPLICANT_KIND_LABELS = {ApplicantKind.PERSON: "自然人", ApplicantKind.ORGANIZATION: "法人或者其他组织"}


class Delivery(StrEnum):
    ELECTRONIC = "electronic"
    POST = "post"
    PICKUP = "pickup"


DELIVERY_LABELS = {Delivery.ELECTRONIC: "电子数据", Delivery.POST: "邮寄纸质", Delivery.PICKUP: "当面领取"}


class Answer(StrEnum):
    """第三十六条 (and 第三十七条 for partial disclosure): how a request is answered."""

    ALREADY_PUBLIC = "already_public"  # 第三十六条第一项
    DISCLOSED = "disclosed"  # 第二项
    PARTIALLY_DISCLOSED = "partially_disclosed"  # 第三十七条
    WITHHELD = "withheld"  # 第三项
    NOT_EXIST = "not_exist"  # 第四项
    NOT_THIS_AGENCY = "not_this_agency"  # 第五项
    REPEAT = "repeat"  # 第六项
    SPECIAL_REGISTRATION = "special_registration"  # 第七项 (工商、不动产登记资料等)


ANSWER_LABELS: dict[Answer, str] = {
    Answer.ALREADY_PUBLIC: "已主动公开",
    Answer.DISCLOSED: "予以公开",
    Answer.PARTIALLY_DISCLOSED: "部分公开",
    Answer.WITHHELD: "不予公开",
    Answer.NOT_EXIST: "无法提供（信息不存在）",
    Answer.NOT_THIS_AGENCY: "不属于本机关负责公开",
    Answer.REPEAT: "重复申请不予重复处理",
    Answer.SPECIAL_REGISTRATION: "按特定登记资料查询规定办理",
}

ANSWER_BASIS: dict[Answer, str] = {
    Answer.ALREADY_PUBLIC: "《中华人民共和国政府信息公开条例》第三十六条第一项",
    Answer.DISCLOSED: "《中华人民共和国政府信息公开条例》第三十六条第二项",
    Answer.PARTIALLY_DISCLOSED: "《中华人民共和国政府信息公开条例》第三十六条第二项、第三项，第三十七条",
    Answer.WITHHELD: "《中华人民共和国政府信息公开条例》第三十六条第三项",
    Answer.NOT_EXIST: "《中华人民共和国政府信息公开条例》第三十六条第四项",
    Answer.NOT_THIS_AGENCY: "《中华人民共和国政府信息公开条例》第三十六条第五项",
    Answer.REPEAT: "《中华人民共和国政府信息公开条例》第三十六条第六项",
    Answer.SPECIAL_REGISTRATION: "《中华人民共和国政府信息公开条例》第三十六条第七项",
}

# What the applicant is told in each reply, besides the reasons staff write.
ANSWER_TEXT: dict[Answer, str] = {
    Answer.ALREADY_PUBLIC: "您申请获取的政府信息已经主动公开，可按下列方式和途径获取。",
    Answer.DISCLOSED: "您申请获取的政府信息属于公开范围，本机关予以公开，现向您提供该政府信息。",
    Answer.PARTIALLY_DISCLOSED: "您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理，"
                                "本机关向您提供可以公开的内容，并对不予公开的内容说明理由。",
    Answer.WITHHELD: "经审查，您申请获取的政府信息依法不予公开，理由如下。",
    Answer.NOT_EXIST: "经检索，本机关未制作或者获取您申请获取的政府信息，该政府信息不存在。",
    Answer.NOT_THIS_AGENCY: "您申请获取的政府信息不属于本机关负责公开。",
    Answer.REPEAT: "您重复申请公开相同政府信息，本机关已就该申请作出答复，不再重复处理。",
    Answer.SPECIAL_REGISTRATION: "您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定，"
                                 "请依照有关法律、行政法规的规定办理。",
}

# Answers whose reply must give reasons: a refusal, in whole or in part, or a redirection.
NEEDS_REASON = frozenset({Answer.PARTIALLY_DISCLOSED, Answer.WITHHELD, Answer.NOT_EXIST, Answer.REPEAT,
                          Answer.SPECIAL_REGISTRATION})
# 第三十六条第五项: name the agency that holds it, where it can be determined.
NEEDS_AGENCY = frozenset({Answer.NOT_THIS_AGENCY})
# The legal ground of a withholding (第十四条、第十五条、第十六条).
NEEDS_GROUND = frozenset({Answer.PARTIALLY_DISCLOSED, Answer.WITHHELD})


class Ground(StrEnum):
    STATE_SECRET = "state_secret"
    PROHIBITED_BY_LAW = "prohibited_by_law"
    SECURITY_STABILITY = "security_stability"
    THIRD_PARTY = "third_party"
    INTERNAL_AFFAIRS = "internal_affairs"
    PROCESS_INFORMATION = "process_information"
    ENFORCEMENT_FILES = "enforcement_files"


GROUND_LABELS: dict[Ground, str] = {
    Ground.STATE_SECRET: "属于国家秘密（第十四条）",
    Ground.PROHIBITED_BY_LAW: "法律、行政法规禁止公开（第十四条）",
    Ground.SECURITY_STABILITY: "公开后可能危及国家安全、公共安全、经济安全、社会稳定（第十四条）",
    Ground.THIRD_PARTY: "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害（第十五条）",
    Ground.INTERNAL_AFFAIRS: "属于人事管理、后勤管理、内部工作流程等内部事务信息（第十六条第一款）",
    Ground.PROCESS_INFORMATION: "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息（第十六条第二款）",
    Ground.ENFORCEMENT_FILES: "属于行政执法案卷信息（第十六条第二款）",
}

# 第五十一条; 行政复议法 第二十条 (60 days), 行政诉讼法 第四十六条 (6 months).
REMEDIES = ("如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法向人民法院"
            "提起行政诉讼；也可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报（政府信息公开条例 第五十一条）。")

CLARIFICATION_RULE = ("请在收到本告知之日起十五个工作日内补正。答复期限自本机关收到补正后的申请之日起重新计算；"
                      "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请（政府信息公开条例 第三十条）。")

CLARIFICATION_REPLY_WORKDAYS = 15  # the time the applicant is given: a local practice, shown in the notice
MAX_TEXT = 4000
