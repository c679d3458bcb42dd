using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Matching.Web.Tests.Apis;

[Collection(WebCollection.Name)]
public class ImportsApiTests(MatchingWebFactory factory)
{
    private readonly HttpClient _client = factory.AdminClient();

    private static MultipartFormDataContent Upload(string fileName, byte[] content)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        form.Add(file, "files", fileName);
        return form;
    }

    private async Task<JsonElement> WaitForImport(string id)
    {
        for (var i = 0; i < 300; i++)
        {
            var run = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/imports/{id}")).RootElement;
            if (run.GetProperty("status").GetString() is "succeeded" or "failed") return run;
            await Task.Delay(100);
        }
        throw new TimeoutException($"import {id} did not finish in 30 s");
    }

    [Fact]
    public async Task Upload_RunsAsABackgroundJob_AndReportsAcceptedAndRejectedRows()
    {
        var lines = """
            {"id":"r-upload-1","title":"豆瓣酱低盐快速发酵菌剂","abstract":"筛选耐盐米曲霉与乳酸菌复合菌剂，郫县豆瓣发酵周期缩短","organisation":"org-sicau","industries":["绿色食品"]}
            {"id":"r-upload-2","abstract":"没有标题的一行"}
            {"id":"r-upload-3","title":"<script>alert('x')</script>泡菜亚硝酸盐控制","organisation":"川农"}
            """;
        var response = await _client.PostAsync("/api/v1/imports", Upload("results.jsonl", Encoding.UTF8.GetBytes(lines)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = accepted.GetProperty("id").GetString()!;
        var jobId = accepted.GetProperty("jobId").GetString()!;

        var run = await WaitForImport(id);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var file = run.GetProperty("report").GetProperty("files")[0];
        Assert.Equal(2, file.GetProperty("accepted").GetInt32());
        Assert.Equal(1, file.GetProperty("rejected").GetInt32());
        var rejection = file.GetProperty("rejections")[0];
        Assert.Equal(2, rejection.GetProperty("row").GetInt32());
        Assert.Equal("title", rejection.GetProperty("field").GetString());

        // The report is stored before the job method returns; Hangfire records the state just after.
        var job = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/jobs/{jobId}")).RootElement;
        for (var i = 0; i < 100 && job.GetProperty("state").GetString() != "Succeeded"; i++)
        {
            await Task.Delay(100);
            job = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/jobs/{jobId}")).RootElement;
        }
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        Assert.Equal("ImportJob.Run", job.GetProperty("job").GetString());
        Assert.True(job.GetProperty("progress").GetProperty("done").GetInt64() > 0);

        var stored = JsonDocument.Parse(await _client.GetStringAsync("/api/v1/results/r-upload-3")).RootElement;
        Assert.Equal("<script>alert('x')</script>泡菜亚硝酸盐控制", stored.GetProperty("title").GetString());
        Assert.Equal("org-sicau", stored.GetProperty("organisation").GetString());
    }

    [Fact]
    public async Task Upload_RefusesFilesItCannotPlace()
    {
        var response = await _client.PostAsync("/api/v1/imports", Upload("../../etc/passwd", Encoding.UTF8.GetBytes("x")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot tell what", await response.Content.ReadAsStringAsync());

        var empty = await _client.PostAsync("/api/v1/imports", new MultipartFormDataContent());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task UnknownImportsAndJobs_AreNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/imports/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/jobs/999999")).StatusCode);
    }
}
