"""Catalogue entries of the statistics pages (dashboards): key → (vi, en)."""

MESSAGES = {
    "nav.stats": ("Thống kê", "Statistics"),
    "dash.title": ("Thống kê hồ sơ", "Dossier statistics"),
    "dash.scope.own_officer": (
        "Số liệu các hồ sơ được giao cho bạn.",
        "Figures of the dossiers assigned to you.",
    ),
    "dash.scope.own_desk": (
        "Số liệu các hồ sơ bạn đã tiếp nhận.",
        "Figures of the dossiers you received.",
    ),
    "dash.scope.department": (
        "Số liệu các hồ sơ của phòng ban bạn.",
        "Figures of your department's dossiers.",
    ),
    "dash.scope.agency": (
        "Số liệu các hồ sơ của cơ quan bạn.",
        "Figures of your agency's dossiers.",
    ),
    "dash.scope.province": (
        "Số liệu các hồ sơ của tỉnh, thành phố.",
        "Figures of the province's dossiers.",
    ),
    "dash.scope.national": (
        "Số liệu hồ sơ trên toàn quốc.",
        "Figures of every dossier in the country.",
    ),
    "dash.filters": ("Lọc số liệu", "Filter the figures"),
    "dash.from": ("Nộp từ ngày", "Submitted from"),
    "dash.to": ("Đến ngày", "Until"),
    "dash.procedure": ("Thủ tục", "Procedure"),
    "dash.interval": ("Chia theo", "Per"),
    "dash.interval.day": ("Ngày", "Day"),
    "dash.interval.week": ("Tuần", "Week"),
    "dash.interval.month": ("Tháng", "Month"),
    "dash.apply": ("Xem", "Show"),
    "dash.total": ("Tổng số hồ sơ", "Dossiers in total"),
    "dash.on_time_rate": ("Tỷ lệ giải quyết đúng hạn", "Completed on time"),
    "dash.completed": ("Đã hoàn thành", "Completed"),
    "dash.on_time": ("Đúng hạn", "On time"),
    "dash.late": ("Trễ hạn", "Late"),
    "dash.no_data": ("Không có dữ liệu", "No data"),
    "dash.export": ("Tải bảng số liệu", "Download the table"),
    "dash.chart_alt": ("Biểu đồ", "Chart"),
    "dash.group": ("Nhóm", "Group"),
    "dash.count": ("Số hồ sơ", "Dossiers"),
    "dash.due_soon": ("Sắp đến hạn", "Due soon"),
    "dash.overdue": ("Quá hạn", "Overdue"),
    "dash.days": ("ngày", "days"),
    "dash.on_time_pct": ("Đúng hạn (%)", "On time (%)"),
    "dash.unassigned": ("(chưa phân công)", "(not assigned)"),
    "dash.unavailable": (
        "Chưa xem được số liệu lúc này, vui lòng thử lại sau.",
        "The figures cannot be shown right now; please try again later.",
    ),
    "dash.invalid": (
        "Bộ lọc chưa hợp lệ; số liệu dưới đây chưa lọc.",
        "The filter is not valid; the figures below are unfiltered.",
    ),
    "dash.g.status": ("Hồ sơ theo trạng thái", "Dossiers by status"),
    "dash.g.deadline_state": ("Hồ sơ theo tình trạng hạn", "Dossiers by deadline"),
    "dash.g.procedure": ("Hồ sơ theo thủ tục", "Dossiers by procedure"),
    "dash.g.agency": ("Hồ sơ theo cơ quan", "Dossiers by agency"),
    "dash.g.department": ("Hồ sơ theo phòng ban", "Dossiers by department"),
    "dash.g.assignee": ("Hồ sơ theo cán bộ xử lý", "Dossiers by officer"),
    "dash.g.month": ("Hồ sơ nộp theo thời gian", "Dossiers submitted over time"),
    "dash.g.attention_by_officer": (
        "Sắp đến hạn và quá hạn theo cán bộ",
        "Due soon and overdue by officer",
    ),
    "dash.g.attention_by_department": (
        "Sắp đến hạn và quá hạn theo phòng ban",
        "Due soon and overdue by department",
    ),
    "dash.g.overdue_by_days_late": (
        "Hồ sơ quá hạn theo số ngày trễ",
        "Overdue dossiers by days late",
    ),
    "dash.g.performance_by_province": (
        "Kết quả giải quyết theo tỉnh, thành phố",
        "Results by province",
    ),
    "dash.g.performance_by_agency": (
        "Kết quả giải quyết theo cơ quan",
        "Results by agency",
    ),
    "dash.g.received_by_agency": (
        "Hồ sơ tiếp nhận theo nơi tiếp nhận",
        "Received, by receiving desk",
    ),
    "dash.g.received_by_province": (
        "Hồ sơ tiếp nhận theo tỉnh, thành phố tiếp nhận",
        "Received, by the receiving desk's province",
    ),
    "dash.g.province": ("Hồ sơ theo tỉnh, thành phố", "Dossiers by province"),
    "dash.g.deadlines_over_time": (
        "Sắp đến hạn và quá hạn theo ngày hẹn trả",
        "Due soon and overdue by due date",
    ),
}
