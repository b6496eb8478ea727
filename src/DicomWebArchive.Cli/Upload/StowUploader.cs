using System.Net;
using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Upload;

/// <summary>Sends batches of instances with STOW-RS and tells, per instance, what the server made of it.</summary>
internal sealed class StowUploader(DicomWebClient client)
{
    /// <param name="sent">Instance bytes handed to the connection; negative when a failed attempt's bytes are taken back before a retry.</param>
    public async Task<List<UploadOutcome>> SendAsync(IReadOnlyList<DicomSource> batch, Action<long> sent, CancellationToken cancellationToken)
    {
        long attemptBytes = 0;
        HttpRequestMessage Create()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, client.Url("/studies"))
            {
                Content = new MultipartDicomContent(batch, n =>
                {
                    attemptBytes += n;
                    sent(n);
                }),
            };
            request.Headers.TryAddWithoutValidation("Accept", DicomWebClient.DicomJson);
            return request;
        }
        void TakeBack()
        {
            sent(-attemptBytes);
            attemptBytes = 0;
        }

        HttpResponseMessage response;
        try
        {
            response = await Retry.SendAsync(client.Http, Create, HttpCompletionOption.ResponseContentRead, client.Retries, TakeBack, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Retry.IsTransient(ex, cancellationToken))
        {
            TakeBack();
            string reason = client.Unreachable(ex).Message;
            return [.. batch.Select(s => new UploadOutcome(s.Name, UploadStatus.Failed, reason))];
        }
        using (response)
        {
            // Without access no batch will be stored: stop with the one explanation rather than fail every file alike.
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw await client.FailureAsync(response, cancellationToken).ConfigureAwait(false);
            }
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return Outcomes(batch, response, body);
        }
    }

    /// <summary>
    /// Matches the response items to the files by SOP Instance UID; items without one (a part the server could not
    /// parse) are matched in order to the files left, as servers answer in the order of the parts.
    /// </summary>
    private static List<UploadOutcome> Outcomes(IReadOnlyList<DicomSource> batch, HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        bool hasStoreResponse = response.IsSuccessStatusCode || status is HttpStatusCode.Conflict or HttpStatusCode.BadRequest;
        var items = hasStoreResponse ? StoreResponse.Parse(body) : null;
        if (items is null || (items.Count == 0 && response.IsSuccessStatusCode))
        {
            string detail = DicomWebClient.Describe(response, body)
                + (status == HttpStatusCode.RequestEntityTooLarge ? " (a smaller --batch makes smaller requests)" : "");
            var outcome = response.IsSuccessStatusCode
                ? new UploadOutcome("", status == HttpStatusCode.OK ? UploadStatus.Stored : UploadStatus.Warning, status == HttpStatusCode.OK ? null : detail)
                : new UploadOutcome("", (int)status >= 500 ? UploadStatus.Failed : UploadStatus.Refused, detail);
            return [.. batch.Select(s => outcome with { Name = s.Name })];
        }

        var byUid = items.Where(i => i.SopInstanceUid is not null).GroupBy(i => i.SopInstanceUid!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<StoreResponseItem>(g), StringComparer.Ordinal);
        var assigned = new StoreResponseItem?[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            if (byUid.TryGetValue(batch[i].SopInstanceUid, out var queue) && queue.Count > 0)
            {
                assigned[i] = queue.Dequeue();
            }
        }
        var leftover = new Queue<StoreResponseItem>(items.Where(i => i.SopInstanceUid is null || !batch.Any(s => s.SopInstanceUid == i.SopInstanceUid)));
        for (int i = 0; i < batch.Count && leftover.Count > 0; i++)
        {
            assigned[i] ??= leftover.Dequeue();
        }

        var outcomes = new List<UploadOutcome>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            outcomes.Add(assigned[i] switch
            {
                null => new UploadOutcome(batch[i].Name, (int)status is >= 400 and < 500 ? UploadStatus.Refused : UploadStatus.Failed,
                    $"the server answered {DicomWebClient.Describe(response, "")} without a word on this instance"),
                { Stored: true, Reason: null } => new UploadOutcome(batch[i].Name, UploadStatus.Stored),
                { Stored: true } item => new UploadOutcome(batch[i].Name, UploadStatus.Warning, item.Describe()),
                { } item => new UploadOutcome(batch[i].Name, UploadStatus.Refused, item.Describe()),
            });
        }
        return outcomes;
    }
}
