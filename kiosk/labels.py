"""What stored codes are called in plain Chinese (the source language of the catalogs)."""

from __future__ import annotations

STAGES = {
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "probationary": "预备党员",
    "full": "正式党员",
}
STATUSES = {
    "normal": "正常",
    "flowed_out": "流出",
    "flowed_in": "流入",
    "transferred_out": "转出",
    "deceased": "去世",
}
NOTICE_CATEGORIES = {
    "party": "党务公开",
    "village": "村务公开",
    "finance": "财务公开",
    "policy": "政策宣传",
    "activity": "活动通知",
}
NOTICE_TABS = {"all": "全部", **NOTICE_CATEGORIES, "archive": "已过期/已撤回"}
NOTICE_STATUSES = {"draft": "草稿", "published": "已发布", "retracted": "已撤回"}
NOTICE_STATES = {
    "current": "有效",
    "scheduled": "未到生效日期",
    "expired": "已过期",
    "retracted": "已撤回",
    "draft": "草稿",
}
PERSONAL_DATA = {"phone": "手机号", "id_number": "身份证号", "bank_card": "银行卡号"}
EVENT_TYPES = {
    "branch_assembly": "支部党员大会",
    "committee": "支委会",
    "group": "党小组会",
    "lecture": "党课",
    "theme_day": "主题党日",
    "other": "其他",
}
ATTENDANCE_KINDS = {"present": "到会", "assisted": "代签到", "leave": "请假", "remote": "远程参加"}
REQUEST_CATEGORIES = {
    "certificate": "证明开具",
    "policy": "政策咨询",
    "dispute": "邻里纠纷",
    "sanitation": "环境卫生",
    "utilities": "道路水电",
    "member": "党员服务",
    "suggestion": "意见建议",
    "other": "其他",
}
REQUEST_STATUSES = {"received": "已受理", "in_progress": "处理中", "closed": "已办结"}
VERDICTS = {"satisfied": "满意", "mostly_satisfied": "基本满意", "unsatisfied": "不满意"}
WEEKDAYS = dict(enumerate(("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")))
ROLES = {"staff": "工作人员", "admin": "管理员"}
AUDIT_ACTIONS = {
    "hall.init": "建立服务中心",
    "demo.fill": "生成演示数据",
    "demo.open_event": "演示：开放今天的签到",
    "staff.add": "添加工作人员",
    "staff.enable": "启用工作人员",
    "staff.disable": "停用工作人员",
    "staff.reset_pin": "重置密码",
    "staff.issue_card": "发工作证",
    "staff.login": "登录",
    "staff.logout": "退出登录",
    "staff.login_refused": "登录被拒绝",
    "staff.locked": "账号锁定",
    "staff.card_refused": "工作证被拒绝",
    "staff.refused": "无权限操作被拒绝",
    "help.call": "群众呼叫工作人员",
    "help.acknowledge": "工作人员响应呼叫",
    "request.submit": "群众提交诉求",
    "request.scan_refused": "诉求回执无法识别",
    "request.lookup_refused": "诉求查询被拒绝",
    "request.lookup_locked": "诉求查询输错太多，暂停查询",
    "request.verdict": "群众评价诉求办理",
    "request.assign": "分派诉求",
    "request.reply": "答复诉求",
    "request.close": "诉求办结",
    "request.reopen": "诉求重新办理",
    "card.issue": "发党员卡",
    "card.revoke": "停用党员卡",
    "keys.import": "导入其他服务中心的公钥",
    "member.visitor": "外来党员首次签到",
    "member.add": "新增党员",
    "member.edit": "修改党员信息",
    "member.stage": "党员发展阶段变更",
    "member.flow": "登记党员流动",
    "member.status": "变更党员状态",
    "dues.pay": "收党费",
    "dues.reverse": "冲销党费",
    "event.create": "新建会议",
    "event.close": "结束会议",
    "event.minutes": "填写会议记录",
    "attendance.assisted": "代签到",
    "attendance.leave": "登记请假",
    "attendance.remote": "登记远程参加",
    "attendance.after_leave": "请假后又到会",
    "notice.draft": "保存通知草稿",
    "notice.publish": "发布通知",
    "notice.edit": "修改已发布的通知",
    "notice.pin": "置顶通知",
    "notice.unpin": "取消置顶通知",
    "notice.retract": "撤回通知",
    "notice.import": "导入通知草稿",
    "demo.notices": "演示：发布通知",
    "backup.restore": "从备份恢复",
    "print.retry": "重试打印",
    "print.reprint": "补打回执",
    "print.cancel": "取消打印",
    "printer.buzzer": "设置打印机蜂鸣器",
    "report.commentary": "保存报表评语",
    "sync.conflict": "与县里的修改冲突（以县里的为准）",
    "notice.county": "收到县里下发的通知（草稿）",
}
SYNC_KINDS = {"member": "党员", "card": "党员卡", "hall_key": "公钥"}  # county-editable records
SYNC_FIELDS = {"name": "姓名", "stage": "阶段", "status": "状态", "phone": "电话",
               "revoked": "停用时间", "branch": "支部", "address": "住址"}
PRINT_KINDS = {
    "signin": "签到凭条",
    "ticket": "办事回执",
    "notice": "通知公告",
    "record": "党员本人记录",
    "dues": "党费收据",
    "card": "党员卡",
    "test": "打印机测试页",
    "report": "报表摘要",
}
PRINTER_MODES = {"text": "文字（打印机字库）", "raster": "图片（本机字体）"}
PRINT_STATUSES = {
    "queued": "排队中",
    "sending": "正在打印",
    "printed": "已打印",
    "failed": "未打印",
    "cancelled": "已取消",
}

# sign-in result code -> (headline, what to do); {time} is filled in where it appears
SIGNIN_RESULTS = {
    "ok": ("签到成功", "欢迎参加，请入座"),
    "already": ("您已经签过到了", "第一次签到在 {time}，不用再签"),
    "no_event": ("现在没有要签到的会议", "会议开始前半小时左右可以签到；有疑问请找工作人员"),
    "too_early": ("签到还没开始", "{time} 开始签到，请到时再扫一次"),
    "too_late": ("签到已经截止", "请找工作人员登记"),
    "revoked": ("这张卡已经停用", "如果补办过新卡，请用新卡；没有的话请找工作人员"),
    "invalid": ("这张卡无法识别", "请把二维码对准扫码器再扫一次；还不行请找工作人员"),
    "unknown_member": ("查不到这张卡的党员", "请找工作人员登记"),
    "inactive": ("这张卡现在不能用", "请找工作人员"),
    "error": ("没有签上：系统出了问题", "请找工作人员帮您签到"),
}


def actor_label(actor: str) -> str:
    """"staff:1001" → "工作人员 1001"; "system" → "系统"; "resident" → "群众"."""
    kind, _, number = actor.partition(":")
    return {"staff": f"工作人员 {number}", "system": "系统", "resident": "群众"}.get(kind, actor)
